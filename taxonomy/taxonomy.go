// Package taxonomy holds the closed code lists of the anonymised contact
// record: the one source of truth that migrations, validation, sync and
// exports all read.
//
// Codes are stable, lowercase snake_case English; every code carries a Swedish
// label (shown first) and an English label. Adding a code is a one-line change
// in this file plus a migration that widens the select field.
package taxonomy

import "slices"

// Unknown is the code an invalid or missing single-choice value becomes.
const Unknown = "unknown"

// Code is one entry of a code list.
type Code struct {
	Code string
	SV   string
	EN   string
}

// List is a named, ordered code list.
type List struct {
	// Name is the field name the list belongs to (e.g. "channel").
	Name string
	// Multi reports a multiple-choice list (a set); sets have no "unknown".
	Multi bool
	// Codes in display order.
	Codes []Code
}

// Values returns the codes of the list in order.
func (l List) Values() []string {
	out := make([]string, len(l.Codes))
	for i, c := range l.Codes {
		out[i] = c.Code
	}
	return out
}

// Has reports whether code belongs to the list.
func (l List) Has(code string) bool {
	return slices.ContainsFunc(l.Codes, func(c Code) bool { return c.Code == code })
}

// Label returns the code's Swedish and English labels; an unknown code is
// returned as its own label.
func (l List) Label(code string) (sv, en string) {
	for _, c := range l.Codes {
		if c.Code == code {
			return c.SV, c.EN
		}
	}
	return code, code
}

// Normalize returns code when it belongs to a single-choice list and
// Unknown otherwise; ok is false when the value had to be changed.
func (l List) Normalize(code string) (out string, ok bool) {
	if l.Has(code) {
		return code, true
	}
	return Unknown, code == ""
}

// NormalizeSet keeps the valid codes of a set, drops duplicates and returns
// them in list order; ok is false when anything was dropped.
func (l List) NormalizeSet(codes []string) (out []string, ok bool) {
	ok = true
	for _, c := range codes {
		if !l.Has(c) {
			ok = false
		}
	}
	// A code of the list is kept when the set has it (no map: sets and
	// lists are short, and a push normalises several sets per record).
	out = make([]string, 0, min(len(codes), len(l.Codes)))
	for _, c := range l.Codes {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out, ok
}

func unknown(sv, en string) Code { return Code{Unknown, sv, en} }

// Single-choice lists of a contact.
var (
	Channel = List{Name: "channel", Codes: []Code{
		{"street", "Uppsökande gata", "Street outreach"},
		{"online", "Uppsökande nät", "Online outreach"},
		{"police_operation", "Vid polisinsats", "During police operation"},
		{"walk_in", "Besök på mottagning", "Walk-in"},
		{"phone", "Telefon", "Phone"},
		{"email_chat", "E-post eller chatt", "E-mail or chat"},
		unknown("Okänd", "Unknown"),
	}}

	Daypart = List{Name: "daypart", Codes: []Code{
		{"morning", "Förmiddag 06–12", "Morning 06–12"},
		{"afternoon", "Eftermiddag 12–18", "Afternoon 12–18"},
		{"evening", "Kväll 18–24", "Evening 18–24"},
		{"night", "Natt 00–06", "Night 00–06"},
		unknown("Okänd", "Unknown"),
	}}

	Area = List{Name: "area", Codes: []Code{
		{"rinkeby_kista", "Rinkeby-Kista", "Rinkeby-Kista"},
		{"spanga_tensta", "Spånga-Tensta", "Spånga-Tensta"},
		{"hasselby_vallingby", "Hässelby-Vällingby", "Hässelby-Vällingby"},
		{"bromma", "Bromma", "Bromma"},
		{"kungsholmen", "Kungsholmen", "Kungsholmen"},
		{"norrmalm", "Norrmalm", "Norrmalm"},
		{"ostermalm", "Östermalm", "Östermalm"},
		{"sodermalm", "Södermalm", "Södermalm"},
		{"enskede_arsta_vantor", "Enskede-Årsta-Vantör", "Enskede-Årsta-Vantör"},
		{"skarpnack", "Skarpnäck", "Skarpnäck"},
		{"farsta", "Farsta", "Farsta"},
		{"hagersten_alvsjo", "Hägersten-Älvsjö", "Hägersten-Älvsjö"},
		{"skarholmen", "Skärholmen", "Skärholmen"},
		{"other_municipality", "Annan kommun", "Other municipality"},
		{"online_only", "Endast digitalt", "Online only"},
		unknown("Okänt", "Unknown"),
	}}

	Arena = List{Name: "arena", Codes: []Code{
		{"street", "Gatan", "Street"},
		{"apartment", "Lägenhet", "Apartment"},
		{"hotel", "Hotell", "Hotel"},
		{"massage_parlour", "Massagesalong", "Massage parlour"},
		{"buyers_home", "Köparens bostad", "Buyer's home"},
		{"venue", "Klubb eller restaurang", "Club or restaurant"},
		{"online_only", "Endast digitalt", "Online only"},
		unknown("Okänd", "Unknown"),
	}}

	Role = List{Name: "role", Codes: []Code{
		{"sells_sex", "Säljer sex eller har erfarenhet av sex mot ersättning", "Sells or has sold sex"},
		{"buys_sex", "Köper sex eller överväger", "Buys or considers buying sex"},
		{"at_risk", "Riskerar att utnyttjas", "At risk of exploitation"},
		{"relative", "Anhörig", "Relative"},
		{"professional", "Yrkesverksam som söker råd", "Professional seeking advice"},
		unknown("Okänd", "Unknown"),
	}}

	AgeBand = List{Name: "age_band", Codes: []Code{
		{"under_15", "Under 15 år", "Under 15"},
		{"15_17", "15–17 år", "15–17"},
		{"18_20", "18–20 år", "18–20"},
		{"21_25", "21–25 år", "21–25"},
		{"26_35", "26–35 år", "26–35"},
		{"36_50", "36–50 år", "36–50"},
		{"over_50", "Över 50 år", "Over 50"},
		unknown("Okänd ålder", "Unknown age"),
	}}

	Gender = List{Name: "gender", Codes: []Code{
		{"woman", "Kvinna/flicka", "Woman or girl"},
		{"man", "Man/pojke", "Man or boy"},
		{"trans", "Transperson", "Trans person"},
		{"other", "Annan könsidentitet", "Other gender identity"},
		unknown("Ej noterat", "Not recorded"),
	}}

	OriginRegion = List{Name: "origin_region", Codes: []Code{
		{"sweden", "Sverige", "Sweden"},
		{"nordic", "Övriga Norden", "Other Nordic countries"},
		{"eu_eea", "EU/EES", "EU/EEA"},
		{"europe_other", "Övriga Europa", "Rest of Europe"},
		{"africa", "Afrika", "Africa"},
		{"asia", "Asien", "Asia"},
		{"latin_america", "Latinamerika", "Latin America"},
		{"north_america", "Nordamerika", "North America"},
		{"oceania", "Oceanien", "Oceania"},
		unknown("Okänd", "Unknown"),
	}}

	Assessment = List{Name: "assessment", Codes: []Code{
		{"none", "Inga indikatorer", "No indicators"},
		{"indicators", "Indikatorer finns", "Indicators present"},
		{"suspected_trafficking", "Misstänkt människohandel (BrB 4:1a)", "Suspected trafficking (Penal Code 4:1a)"},
		{"suspected_exploitation", "Misstänkt människoexploatering (BrB 4:1b)", "Suspected exploitation (Penal Code 4:1b)"},
		{"suspected_child_sex_purchase", "Misstänkt köp av sexuell handling av barn (BrB 6:9)", "Suspected purchase of a sexual act from a child (Penal Code 6:9)"},
		{"suspected_procuring", "Misstänkt koppleri (BrB 6:12)", "Suspected procuring (Penal Code 6:12)"},
		unknown("Ej bedömt", "Not assessed"),
	}}

	// Interpreting is how the conversation was interpreted (schema 3; it
	// replaces the yes/no interpreter of schemas 1 and 2).
	Interpreting = List{Name: "interpreting", Codes: []Code{
		{"none", "Ingen tolk", "No interpreter"},
		{"professional", "Tolk via tolkförmedling", "Professional interpreter (agency)"},
		{"other_person", "Annan person tolkade", "Another person interpreted"},
		{"used_unspecified", "Tolk, slag ej angivet", "Interpreter, kind not recorded"},
		unknown("Ej noterat", "Not recorded"),
	}}

	// SessionKind is the kind of an outreach session (uppsökande pass).
	SessionKind = List{Name: "kind", Codes: []Code{
		{"street", "Gata", "Street"},
		{"online", "Nät", "Online"},
		unknown("Okänt", "Unknown"),
	}}
)

// Multiple-choice lists (sets) of a contact.
var (
	Platforms = List{Name: "platforms", Multi: true, Codes: []Code{
		{"sugar_dating", "Sugardejting", "Sugar dating"},
		{"escort_ads", "Eskortannonser", "Escort ads"},
		{"tinder", "Tinder", "Tinder"},
		{"instagram", "Instagram", "Instagram"},
		{"snapchat", "Snapchat", "Snapchat"},
		{"tiktok", "TikTok", "TikTok"},
		{"kik", "KiK", "KiK"},
		{"onlyfans", "OnlyFans", "OnlyFans"},
		{"telegram", "Telegram", "Telegram"},
		{"whatsapp", "WhatsApp", "WhatsApp"},
		{"other", "Annan plattform", "Other platform"},
	}}

	// Indicators is the list of schemas 1 and 2, split in schema 3 into
	// Control and Vulnerabilities (see SplitIndicators). It is no longer a
	// field of the record; old clients still send and receive it.
	Indicators = List{Name: "indicators", Multi: true, Codes: []Code{
		{"debt", "Skuld", "Debt"},
		{"takes_earnings", "Annan tar inkomsten", "Someone else takes the earnings"},
		{"threats", "Hot", "Threats"},
		{"violence", "Fysiskt våld", "Physical violence"},
		{"sexual_violence", "Sexuellt våld", "Sexual violence"},
		{"restricted_movement", "Begränsad rörelsefrihet", "Restricted movement"},
		{"documents_withheld", "Saknar egna id-handlingar", "Identity documents withheld"},
		{"false_promises", "Falska löften", "False promises"},
		{"substances", "Droger som kontrollmedel", "Substances used for control"},
		{"third_party_control", "Tredje part annonserar eller styr", "Third party advertises or controls"},
		{"recently_arrived", "Nyligen anländ", "Recently arrived"},
		{"no_shared_language", "Inget gemensamt språk", "No shared language"},
		{"homeless", "Saknar bostad", "Homeless"},
	}}

	// Control is the means of control (HTCDS MethodsOfControl).
	Control = List{Name: "control", Multi: true, Codes: []Code{
		{"debt", "Skuld", "Debt"},
		{"takes_earnings", "Annan tar inkomsten", "Someone else takes the earnings"},
		{"threats", "Hot", "Threats"},
		{"violence", "Fysiskt våld", "Physical violence"},
		{"sexual_violence", "Sexuellt våld", "Sexual violence"},
		{"psychological_abuse", "Psykiskt våld", "Psychological abuse"},
		{"restricted_movement", "Begränsad rörelsefrihet", "Restricted movement"},
		{"documents_withheld", "Saknar egna id-handlingar", "Identity documents withheld"},
		{"false_promises", "Falska löften", "False promises"},
		{"substances", "Droger som kontrollmedel", "Substances used for control"},
		{"third_party_control", "Tredje part annonserar eller styr", "Third party advertises or controls"},
		{"restricts_financial_access", "Begränsar tillgång till egna pengar", "Restricts access to own money"},
		{"restricts_medical_care", "Begränsar tillgång till vård", "Restricts access to medical care"},
		{"excessive_working_hours", "Orimligt långa arbetstider", "Excessive working hours"},
		{"withholds_necessities", "Undanhåller mat, sömn eller annat nödvändigt", "Withholds food, sleep or other necessities"},
		{"threat_of_authorities", "Hotar med myndigheter", "Threatens with the authorities"},
	}}

	// Vulnerabilities are the person's circumstances (HTCDS Vulnerabilities).
	// Health, disability and sexual orientation are deliberately not
	// recorded: the lägesbild does not need them and they are special
	// categories of personal data.
	Vulnerabilities = List{Name: "vulnerabilities", Multi: true, Codes: []Code{
		{"recently_arrived", "Nyligen anländ", "Recently arrived"},
		{"no_shared_language", "Inget gemensamt språk", "No shared language"},
		{"homeless", "Saknar bostad", "Homeless"},
		{"economic_hardship", "Ekonomisk utsatthet", "Economic hardship"},
		{"substance_use", "Eget missbruk", "Substance use"},
		{"earlier_sexual_abuse", "Tidigare sexuella övergrepp", "Earlier sexual abuse"},
		{"self_harm_through_sex", "Sex som självskada", "Self-harm through sex"},
	}}

	// RiskGroups are the groups of children the action plan names.
	RiskGroups = List{Name: "risk_groups", Multi: true, Codes: []Code{
		{"unaccompanied", "Ensamkommande barn", "Unaccompanied child"},
		{"placed_in_care", "Placerat barn (HVB, familjehem, SiS)", "Child placed in care"},
		{"eu_minor", "Barn från annat EU-land", "Child from another EU country"},
		{"street_environment", "Barn i gatumiljö", "Child in the street environment"},
		{"accompanying_child", "Medföljande barn", "Accompanying child"},
		{"married_child", "Gift barn", "Married child"},
	}}

	// Compensation is what was given for sex.
	Compensation = List{Name: "compensation", Multi: true, Codes: []Code{
		{"money", "Pengar", "Money"},
		{"drugs", "Droger", "Drugs"},
		{"place_to_sleep", "Sovplats", "A place to sleep"},
		{"material_things", "Saker (kläder, telefon, presenter)", "Material things (clothes, phone, gifts)"},
		{"other", "Annat", "Other"},
	}}

	Purposes = List{Name: "purposes", Multi: true, Codes: []Code{
		{"sexual", "Sexuella ändamål", "Sexual purposes"},
		{"forced_labour", "Tvångsarbete", "Forced labour"},
		{"exploitative_work", "Arbete under uppenbart orimliga villkor", "Work under clearly unreasonable conditions"},
		{"begging", "Tiggeri", "Begging"},
		{"crime", "Brottslig verksamhet", "Criminal activity"},
		{"military_service", "Krigstjänst", "Military service"},
		{"organ_removal", "Avlägsnande av organ", "Organ removal"},
		{"forced_marriage", "Tvångsäktenskap", "Forced marriage"},
		{"other_distress", "Annan nödsituation", "Other situation of distress"},
	}}

	Actions = List{Name: "actions", Multi: true, Codes: []Code{
		{"information", "Information", "Information"},
		{"info_card", "Informationskort", "Information card"},
		{"support_talk", "Stödsamtal", "Support talk"},
		{"harm_reduction", "Skyddsmaterial", "Harm reduction supplies"},
		{"referral_mika", "Hänvisning Mikamottagningen", "Referral to Mikamottagningen"},
		{"referral_kast", "Hänvisning KAST", "Referral to KAST"},
		{"referral_stodcentrum", "Hänvisning Stödcentrum", "Referral to Stödcentrum"},
		{"referral_barnahus", "Barnahus", "Barnahus"},
		{"referral_bup", "BUP", "Child and adolescent psychiatry"},
		{"referral_health", "Hälso- och sjukvård", "Health care"},
		{"referral_rk", "Regionkoordinator", "Regional coordinator"},
		{"referral_social_services", "Socialtjänst i stadsdel", "District social services"},
		{"referral_ngo", "Ideell organisation", "Non-profit organisation"},
		{"sheltered_housing", "Skyddat boende", "Sheltered housing"},
		{"economic_support", "Ekonomiskt bistånd", "Financial assistance"},
		{"iom_return", "IOM återvändandeprogram", "IOM return programme"},
		{"sip", "Samordnad individuell plan (SIP)", "Coordinated individual plan (SIP)"},
		{"referral_rvt", "Hänvisning RVT", "Referral to RVT"},
		{"referral_ungdomsjouren", "Hänvisning Ungdomsjouren", "Referral to Ungdomsjouren"},
		{"referral_preventell", "Hänvisning Preventell", "Referral to Preventell"},
		{"stop_buying_counselling", "Samtal för att sluta köpa sex (KAST)", "Counselling to stop buying sex (KAST)"},
		{"guardian_application", "Ansökan om god man eller särskilt förordnad vårdnadshavare", "Application for a guardian"},
		{"referral_migration_agency", "Hänvisning Migrationsverket", "Referral to the Migration Agency"},
		{"report_of_concern", "Orosanmälan", "Report of concern"},
		{"police_report", "Polisanmälan", "Police report"},
		{"declined", "Avböjde stöd", "Declined support"},
	}}
)

// ContactSingle lists the single-choice fields of a contact in record order.
var ContactSingle = []List{Daypart, Channel, Area, Arena, Role, AgeBand, Gender, OriginRegion, Interpreting, Assessment}

// ContactSets lists the multiple-choice fields of a contact in record order.
var ContactSets = []List{Platforms, Control, Vulnerabilities, RiskGroups, Compensation, Purposes, Actions}

// MaxNotes is the longest free-text note, in characters.
const MaxNotes = 500

// MaxCardsGiven is the largest number of info cards one contact may record.
const MaxCardsGiven = 100

// Audience is who an information page speaks to.
var Audience = List{Name: "audience", Codes: []Code{
	{"sells_sex", "Säljer sex", "Sells sex"},
	{"buys_sex", "Köper sex", "Buys sex"},
	{"young", "Unga", "Young people"},
	{"trafficking", "Utsatta för människohandel", "Victims of trafficking"},
	// professionals: relatives and professionals worried about someone; the
	// only pages that may show the professionals' support telephone.
	{"professionals", "Anhöriga och yrkesverksamma", "Relatives and professionals"},
}}

// PersonAudience reports whether pages for an audience speak to the person
// themselves (every audience but relatives and professionals).
func PersonAudience(audience string) bool { return audience != "professionals" }

// PageLanguages are the languages information pages may be written in
// (ISO 639-1). Arabic and Persian are written right to left.
var PageLanguages = List{Name: "language", Codes: []Code{
	{"sv", "Svenska", "Swedish"},
	{"en", "Engelska", "English"},
	{"ro", "Rumänska", "Romanian"},
	{"bg", "Bulgariska", "Bulgarian"},
	{"hu", "Ungerska", "Hungarian"},
	{"pl", "Polska", "Polish"},
	{"es", "Spanska", "Spanish"},
	{"ru", "Ryska", "Russian"},
	{"uk", "Ukrainska", "Ukrainian"},
	{"th", "Thailändska", "Thai"},
	{"zh", "Kinesiska", "Chinese"},
	{"ar", "Arabiska", "Arabic"},
	{"fa", "Persiska", "Persian"},
	{"so", "Somaliska", "Somali"},
	{"ti", "Tigrinja", "Tigrinya"},
}}

// RightToLeft reports whether a language is written right to left.
func RightToLeft(lang string) bool {
	return lang == "ar" || lang == "fa" || lang == "he" || lang == "ur"
}
