package cards

// Chrome is the fixed text around an information page, in the page's
// language: the exit button, the call labels, the headings, the language
// picker and the footer. The page's own text is content (info_pages); this
// is code, reviewed with it (see docs/pages.md).
type Chrome struct {
	// Name is the language's name in itself, for the language picker.
	Name string
	// Exit labels the quick-exit button.
	Exit string
	// Call stands before a number on its call button ("Call 112").
	Call string
	// CallNow heads the person's numbers.
	CallNow string
	// Professionals heads the numbers for professionals.
	Professionals string
	// NotYet says at the top of a fallback page that the page is not yet
	// available in this language.
	NotYet string
	// Languages labels the language picker.
	Languages string
	// Footer says who runs the page and that nothing of the visit is kept.
	Footer string
}

// chrome holds the Chrome of every page language (taxonomy.PageLanguages).
var chrome = map[string]Chrome{
	"sv": {"Svenska", "Lämna sidan", "Ring", "Ring nu", "För yrkesverksamma",
		"Den här sidan finns inte på svenska ännu. Här är den på ett annat språk.", "Andra språk",
		"Stockholms stad. Inget om ditt besök sparas."},
	"en": {"English", "Leave this page", "Call", "Call now", "For professionals",
		"This page is not available in English yet. Here it is in another language.", "Other languages",
		"City of Stockholm. Nothing about your visit is saved."},
	"ro": {"Română", "Părăsește pagina", "Sună", "Sună acum", "Pentru profesioniști",
		"Această pagină nu există încă în limba română. Aici este într-o altă limbă.", "Alte limbi",
		"Orașul Stockholm. Nu se salvează nimic despre vizita ta."},
	"bg": {"Български", "Напуснете страницата", "Обадете се", "Обадете се сега", "За специалисти",
		"Тази страница още не е налична на български. Ето я на друг език.", "Други езици",
		"Град Стокхолм. Нищо за вашето посещение не се запазва."},
	"hu": {"Magyar", "Oldal elhagyása", "Hívás", "Hívj most", "Szakembereknek",
		"Ez az oldal még nem érhető el magyarul. Itt egy másik nyelven olvashatod.", "Más nyelvek",
		"Stockholm városa. Semmit nem mentünk el a látogatásodról."},
	"pl": {"Polski", "Opuść stronę", "Zadzwoń", "Zadzwoń teraz", "Dla specjalistów",
		"Ta strona nie jest jeszcze dostępna po polsku. Tutaj jest w innym języku.", "Inne języki",
		"Miasto Sztokholm. Nic o twojej wizycie nie jest zapisywane."},
	"es": {"Español", "Salir de la página", "Llamar", "Llama ahora", "Para profesionales",
		"Esta página aún no está disponible en español. Aquí está en otro idioma.", "Otros idiomas",
		"Ciudad de Estocolmo. No se guarda nada sobre tu visita."},
	"ru": {"Русский", "Покинуть страницу", "Позвонить", "Позвоните сейчас", "Для специалистов",
		"Этой страницы пока нет на русском языке. Ниже она на другом языке.", "Другие языки",
		"Город Стокгольм. Мы ничего не сохраняем о вашем посещении."},
	"uk": {"Українська", "Залишити сторінку", "Зателефонувати", "Зателефонуйте зараз", "Для фахівців",
		"Цієї сторінки ще немає українською мовою. Нижче вона іншою мовою.", "Інші мови",
		"Місто Стокгольм. Ми нічого не зберігаємо про ваш візит."},
	"th": {"ไทย", "ออกจากหน้านี้", "โทร", "โทรตอนนี้", "สำหรับผู้ปฏิบัติงาน",
		"หน้านี้ยังไม่มีภาษาไทย ด้านล่างเป็นภาษาอื่น", "ภาษาอื่น",
		"เมืองสตอกโฮล์ม เราไม่เก็บข้อมูลใดๆ เกี่ยวกับการเข้าชมของคุณ"},
	"zh": {"中文", "离开此页", "拨打", "现在打电话", "供专业人员使用",
		"此页面还没有中文版。下面是其他语言的版本。", "其他语言",
		"斯德哥尔摩市。我们不保存您访问的任何信息。"},
	"ar": {"العربية", "غادر الصفحة", "اتصل", "اتصل الآن", "للمختصين",
		"هذه الصفحة غير متوفرة بالعربية بعد. تجدها أدناه بلغة أخرى.", "لغات أخرى",
		"مدينة ستوكهولم. لا نحفظ أي شيء عن زيارتك."},
	"fa": {"فارسی", "خروج از صفحه", "تماس", "همین حالا تماس بگیرید", "برای متخصصان",
		"این صفحه هنوز به فارسی موجود نیست. در پایین به زبان دیگری است.", "زبان‌های دیگر",
		"شهر استکهلم. هیچ چیزی از بازدید شما ذخیره نمی‌شود."},
	"so": {"Soomaali", "Ka bax boggan", "Wac", "Hadda wac", "Xirfadlayaasha",
		"Boggan weli laguma helo af Soomaali. Hoos waxaa ku qoran luqad kale.", "Luqado kale",
		"Magaalada Stockholm. Waxba kama kaydinno booqashadaada."},
	"ti": {"ትግርኛ", "ካብዚ ገጽ ውጹ", "ደውሉ", "ሕጂ ደውሉ", "ንሞያውያን",
		"እዚ ገጽ ገና ብትግርኛ የለን። ኣብ ታሕቲ ብኻልእ ቋንቋ ኣሎ።", "ካልኦት ቋንቋታት",
		"ከተማ ስቶክሆልም። ብዛዕባ ምብጻሕኩም ዋላ ሓንቲ ኣይንዕቅብን።"},
}

// chromeFor is the Chrome of lang, English for a language without one.
func chromeFor(lang string) Chrome {
	if c, ok := chrome[lang]; ok {
		return c
	}
	return chrome["en"]
}
