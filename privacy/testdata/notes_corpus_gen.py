# Composes privacy/testdata/notes_corpus.txt: the hand-written notes of
# notes_corpus_hand.txt, then ordinary outreach notes built from hand-written
# fragments (places, times, amounts, dates, services, venue names). Run from
# this directory: python3 notes_corpus_gen.py. Written before the screen was
# tuned (issue 13); the false-positive test reads notes_corpus.txt.
import random
random.seed(13)
places = ["Malmskillnadsgatan","Mäster Samuelsgatan","Centralen","T-Centralen","Sergels torg","Plattan","Slussen","Medborgarplatsen","Fridhemsplan","Hötorget","Odenplan","Skanstull","Gullmarsplan","Kungsträdgården","Norra Bantorget","Vasagatan","Klarabergsviadukten","Cityterminalen","Hornstull","Liljeholmen","Farsta centrum","Skärholmen","Kista galleria","Rinkeby torg","Tensta centrum","Vällingby","Hägersten","Älvsjö","Bredäng","Globen","Solna station","Sundbyberg","Tekniska högskolan","Stadion","Östermalmstorg","Karlaplan","Birger Jarlsgatan","Kungsgatan","Drottninggatan","Klarabergsgatan","Regeringsgatan","Tegnérlunden","Vasaparken","Rålambshovsparken","Humlegården","Tantolunden","Brunkebergstorg","Stureplan","Gamla stan","Mariatorget"]
venues = ["massagesalongen","thaimassagen","hotellet","vandrarhemmet","lägenheten","klubben","baren","nattklubben","spa-stället","frisörsalongen","nagelsalongen","kiosken","gatuköket","pizzerian","gymmet","parkeringshuset","bensinmacken","hamburgerbaren"]
venue_names = ["Relax Spa","Thai Garden","Lotus Massage","Golden Hands","Paradise Wellness","Sunflower Spa","Bangkok Beauty","Blue Lagoon","Hotell Nova","City Inn","Royal Thai","Bamboo Massage","Orchid","Silk Road Spa","Bella Nails","Nordic Rest","Star Hostel","Club Neon","Bar Luna","Café Sjöstjärnan","Hotell Kungsbron","Pensionat Ekbacken","Oasen","Lilla Bangkok","Zen Garden"]
sites= ["Rosa sidorna","sugardejtingsidan","annonssajten","eskortsidan","dejtingappen","forumet","chatten","annonsportalen","escortsajten","kontaktsidan"]
services = ["Mikamottagningen","KAST","Ungdomsjouren","socialtjänsten","Socialjouren","Barnahus","RFSU","Noaks Ark","Stadsmissionen","Talita","Nationella stödtelefonen","polisen","Migrationsverket","Frälsningsarmén","Maskrosbarn","Novahuset","Ersta diakoni","Röda korset","vårdcentralen","Sesam","Sprututbytet","akutmottagningen","tandläkarjouren","Jourhavande medmänniska","kyrkans jour","Fryshuset","Rädda Barnen"]
days = ["måndag","tisdag","onsdag","torsdag","fredag","lördag","söndag"]
months = ["januari","februari","mars","april","maj","juni","juli","augusti","september","oktober","november","december"]
langs = ["rumänska","engelska","spanska","thailändska","ryska","bulgariska","ungerska","polska","arabiska","persiska","somaliska","tigrinja","franska","portugisiska","kinesiska","vietnamesiska","albanska","ukrainska"]
def time_():
    h=random.randint(0,23); m=random.choice([0,0,15,30,45,10,20,40,50,5])
    f=random.choice(["kl {h}.{m:02d}","kl {h}:{m:02d}","{h}.{m:02d}","klockan {h}","runt {h}","vid {h}-tiden","kl {h:02d}{m:02d}","ca kl {h}.{m:02d}"])
    return f.format(h=h,m=m)
def span():
    a=random.randint(18,23); b=random.randint(0,4)
    return random.choice([f"kl {a}-{b:02d}",f"mellan {a} och {b}",f"{a}.00-0{b}.00",f"kl {a}:00–0{b}:30",f"{a}-0{b}",f"kl {a:02d}00-0{b}00"])
def date_():
    d=random.randint(1,28); mo=random.randint(1,12); y=random.choice([2025,2026])
    return random.choice([f"{y}-{mo:02d}-{d:02d}",f"{d}/{mo}",f"{d} {months[mo-1]}",f"den {d} {months[mo-1]}",f"{d}.{mo}.{y}",f"{d}/{mo}-{str(y)[2:]}",f"{days[random.randint(0,6)]} {d}/{mo}",f"v.{random.randint(1,52)}",f"vecka {random.randint(1,52)}"])
def amount():
    n=random.choice([200,300,400,500,600,700,800,1000,1200,1500,1800,2000,2500,3000,3500,4000,5000,6000,8000,10000,12000,15000,20000,25000,30000,40000,50000,80000,100000,150000])
    s=random.choice(["{:,} kr".format(n).replace(","," "),f"{n} kr",f"{n}:-",f"{n} kronor","{:,} kronor".format(n).replace(","," "),f"{n//10} euro",f"{n} SEK","{:,}:-".format(n).replace(","," ")])
    return s
def age(): return random.choice([f"ca {random.randint(18,55)} år",f"{random.randint(18,45)}-{random.randint(46,60)} år",f"runt {random.randint(2,5)}0",f"i {random.choice(['20','30','40','50'])}-årsåldern",f"{random.randint(19,60)} år gammal",f"verkar vara {random.randint(20,40)}"])
def num(a,b): return str(random.randint(a,b))
T=[
 lambda: f"Mötte henne på {random.choice(places)} {time_()}. Pratade om {random.choice(services)} och gav visitkort.",
 lambda: f"{random.choice(places)} {span()}, {num(2,14)} kvinnor observerade, {num(1,6)} samtal.",
 lambda: f"Stället heter {random.choice(venue_names)}, ligger nära {random.choice(places)}. Öppet till {random.randint(20,23)}.",
 lambda: f"Massagestället heter {random.choice(venue_names)}. {num(2,6)} anställda, tog {amount()} för en timme enligt annonsen.",
 lambda: f"Annons på {random.choice(sites)} {date_()}, pris {amount()} per timme, svarade inte på vårt sms.",
 lambda: f"Hon berättade om skuld på {amount()} till den som ordnade resan. Hänvisad till {random.choice(services)}.",
 lambda: f"Uppföljning {date_()} {time_()} på {random.choice(services)}, tolk på {random.choice(langs)} bokad.",
 lambda: f"Pratade {random.choice(langs)}, behövde tolk. Ville ha info om {random.choice(['vård','boende','tandvård','STI-test','preventivmedel','juridisk hjälp','skyddat boende','hemresa','mat','kläder'])}.",
 lambda: f"Sov på {random.choice(venues)} vid {random.choice(places)} i {num(2,14)} nätter, betalade {amount()} per natt.",
 lambda: f"Kunden betalade {amount()}, hon fick behålla {random.choice(['hälften','en tredjedel','inget','lite','ca 30 %','ungefär 40%'])}.",
 lambda: f"{random.choice(days).capitalize()}kväll, {random.choice(places)}. Kallt, få ute. {num(0,4)} kontakter.",
 lambda: f"Träffades utanför {random.choice(venues)} på {random.choice(places)} {time_()}, gick till {random.choice(services)} tillsammans.",
 lambda: f"Har varit i Sverige sedan {random.choice(months)}, {age()}. Bor hos en väninna i {random.choice(['Rinkeby','Tensta','Skärholmen','Farsta','Hägersten','Solna','Sundbyberg','Huddinge','Botkyrka','Södertälje'])}.",
 lambda: f"Fick {num(1,5)} kort och {num(1,6)} kondomer. Ville ha nummer till {random.choice(services)}, gav broschyren.",
 lambda: f"Annonsen heter \"{random.choice(['Söt tjej','Ny i stan','Thai massage','Exotisk','Student','Discreet','Asian beauty','Hot latina'])}\", lagd {date_()}, {num(2,40)} bilder.",
 lambda: f"Ringde tillbaka {date_()} {time_()}, ville boka tid hos {random.choice(services)} på {random.choice(days)}.",
 lambda: f"Rum {num(100,650)} på hotellet, {num(1,4)} personer i rummet. Receptionen reagerade inte.",
 lambda: f"Buss {num(1,4)} mot {random.choice(places)}, klev av vid {random.choice(places)} {time_()}.",
 lambda: f"Tunnelbanan till {random.choice(places)}, gröna linjen, sedan {num(5,15)} minuters promenad.",
 lambda: f"Hade {amount()} i kontanter och ingen bankdosa. Pratade om {random.choice(['ekonomi','skulder','hyra','familjen hemma','barnen','hälsan','sömn','droger','alkohol','våld'])}.",
 lambda: f"Säger att hon jobbat på {random.choice(venues)} i {num(2,18)} månader, {num(5,12)} timmar per dag, {num(5,7)} dagar i veckan.",
 lambda: f"Ärendet gäller {random.choice(['boende','vård','pass','uppehållstillstånd','bankkonto','skulder','hemresa'])}. Möte bokat {date_()} {time_()} på {random.choice(services)}.",
 lambda: f"Vi kallar platsen för \"{random.choice(['hörnet','muren','trappan','bänkarna','parkeringen','tunneln','kiosken'])}\", vid {random.choice(places)}.",
 lambda: f"Det kallas {random.choice(['sugardejting','escort','massage med extra','happy ending','kompisdejt','bonusdejt'])} på sidan, pris {amount()}.",
 lambda: f"Namnet på stället är {random.choice(venue_names)}, skylten är ny sedan {random.choice(months)}.",
 lambda: f"Sidan heter {random.choice(sites)}, {num(20,300)} annonser i Stockholm {date_()}, {num(2,30)} nya.",
 lambda: f"Kontakt {num(1,9)} av {num(9,20)} under passet. Hon var {random.choice(['trött','glad','orolig','stressad','påverkad','lugn','ledsen','arg'])} och ville inte prata länge.",
 lambda: f"{num(2,8)} killar i bilen, {random.choice(['svart','vit','grå','röd','blå'])} {random.choice(['Volvo','BMW','Audi','Mercedes','Toyota','Tesla','Skoda'])} som cirkulerade runt {random.choice(places)} {span()}.",
 lambda: f"Hon såg ut att vara {num(19,50)} år, hade {random.choice(['ont i ryggen','en skada på armen','feber','hosta','tandvärk','blåmärken'])}. Följde med till {random.choice(services)} {time_()}.",
 lambda: f"Pass {date_()}, {span()}, {num(2,4)} personal. {num(0,12)} kontakter, {num(0,8)} kort utdelade, {amount()} i utlägg för fika.",
 lambda: f"Ungefär {num(10,90)} % av annonserna på {random.choice(sites)} verkar nya, {num(3,25)} med samma bilder.",
 lambda: f"Hennes mamma är sjuk hemma, skickar {amount()} i månaden. Vill jobba med {random.choice(['städ','restaurang','vård','butik','frisör','barnpassning'])} istället.",
 lambda: f"Var på {random.choice(services)} {date_()}, fick tid igen om {num(2,4)} veckor. Vi följer med.",
 lambda: f"Gick {num(2,8)} km, {random.choice(places)} – {random.choice(places)} – {random.choice(places)}. {num(0,5)} samtal.",
 lambda: f"Kom med flyg {date_()} via {random.choice(['Arlanda','Skavsta','Bromma','Göteborg','Köpenhamn','Oslo'])}, biljetten kostade {amount()} och någon annan betalade.",
 lambda: f"Enligt henne tar de {amount()} för halvtimme och {amount()} för en hel. Hon får {num(10,60)} % .",
 lambda: f"Sms från vår jobbtelefon {date_()} till {num(5,40)} annonser, {num(0,9)} svar.",
 lambda: f"Fick frågan om vi kan hjälpa till med {random.choice(['hyreskontrakt','BankID','personnummer','samordningsnummer','försäkringskassan','a-kassa','deklaration'])}. Hänvisad till {random.choice(services)}.",
 lambda: f"Följer upp {random.choice(days)} {time_()} vid {random.choice(places)}, tar med {random.choice(['mat','kläder','hygienartiklar','broschyrer på '+random.choice(langs),'kondomer','filtar'])}.",
 lambda: f"Hon sa: \"jag heter inte mitt riktiga namn på jobbet\". Ville vara anonym, gav inget mer.",
 lambda: f"Stället kallas {random.choice(['lilla huset','gula villan','källaren','vinden','studion'])} av de som jobbar där, {num(2,6)} rum.",
 lambda: f"{num(3,15)} personer i kö utanför {random.choice(venues)} {time_()}, de flesta män {age()}.",
 lambda: f"Temperatur {num(-15,5)} grader, blött. Delade ut {num(5,40)} koppar kaffe och {num(5,30)} bullar.",
 lambda: f"Hänvisade till {random.choice(services)} och {random.choice(services)}; erbjöd följe {random.choice(days)} {time_()}.",
 lambda: f"Hon har {num(1,4)} barn hemma i {random.choice(['Rumänien','Bulgarien','Nigeria','Thailand','Ungern','Colombia','Ukraina','Polen','Spanien','Brasilien'])}, äldsta är {num(5,16)} år.",
 lambda: f"Chattade på {random.choice(sites)} {time_()}–{time_()}, {num(1,12)} konversationer, {num(0,3)} ville ha stöd.",
 lambda: f"Beställde taxi åt henne till {random.choice(places)}, kostade {amount()}, betalt med kommunens kort.",
 lambda: f"{random.choice(places)} {date_()}: lugnt, {num(0,3)} kvinnor, polisen förbi {time_()}.",
]
out=set()
while len(out)<1100:
    out.add(random.choice(T)())
hand=open('notes_corpus_hand.txt').read().strip().split('\n')
lines=[l for l in hand if l.strip()]+sorted(out, key=lambda x: random.random())
print(len(lines))
open('notes_corpus.txt','w').write('\n'.join(lines)+'\n')
