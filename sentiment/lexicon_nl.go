package sentiment

// newLexNL returns a compact Dutch valence lexicon on the same -4..+4 scale as
// newLexEN, written for this project. It covers everyday praise and
// complaint words, Dutch customer-service vocabulary ("storing",
// "oplichting", "klantenservice" complaints) and common swearing.
func newLexNL() map[string]float64 {
	return map[string]float64{
		// lof
		"goed": 1.9, "goede": 1.9, "beter": 1.8, "best": 0.8, "beste": 2.4, "geweldig": 3.0, "geweldige": 3.0,
		"fantastisch": 3.0, "fantastische": 3.0, "prachtig": 2.8, "prachtige": 2.8, "mooi": 2.2, "mooie": 2.2,
		"fijn": 2.0, "fijne": 2.0, "leuk": 2.0, "leuke": 2.0, "lekker": 2.1, "lekkere": 2.1, "top": 2.4,
		"super": 2.4, "perfect": 2.8, "perfecte": 2.8, "uitstekend": 3.0, "uitstekende": 3.0, "prima": 1.6,
		"tof": 2.2, "toffe": 2.2, "gaaf": 2.3, "gave": 2.3, "vet": 1.8, "briljant": 3.0, "schitterend": 3.0,
		"heerlijk": 2.8, "heerlijke": 2.8, "blij": 2.5, "tevreden": 2.0, "dankbaar": 2.2, "bedankt": 2.0,
		"dank": 1.8, "dankjewel": 2.1, "dankuwel": 2.1, "dankje": 2.0, "merci": 1.8, "hulpvaardig": 2.0,
		"vriendelijk": 2.1, "vriendelijke": 2.1, "aardig": 1.7, "aardige": 1.7, "lief": 2.2, "lieve": 2.2,
		"snel": 1.0, "snelle": 1.0, "vlot": 1.2, "vlotte": 1.2, "makkelijk": 1.6, "gemakkelijk": 1.6,
		"handig": 1.6, "handige": 1.6, "betrouwbaar": 1.9, "betrouwbare": 1.9, "aanrader": 2.4,
		"aanbevolen": 1.8, "aanraden": 1.8, "blijdschap": 2.4, "liefde": 3.0, "houden": 0.4, "hou": 1.2,
		"genieten": 2.3, "genoten": 2.4, "genoegen": 2.0, "plezier": 2.3, "gelukkig": 2.6, "geluk": 2.4,
		"trots": 2.0, "opgelost": 1.6, "gerepareerd": 1.3, "geregeld": 1.2, "veilig": 1.8,
		"veilige": 1.8, "eerlijk": 2.0, "eerlijke": 2.0, "gratis": 1.3, "cadeau": 1.9, "gefeliciteerd": 2.8,
		"proficiat": 2.6, "hoera": 2.6, "joepie": 2.5, "wauw": 2.7, "woow": 2.6, "haha": 2.0, "hihi": 1.7,
		"held": 2.4, "helden": 2.4, "kanjer": 2.4, "kanjers": 2.4, "topper": 2.5, "toppers": 2.5,
		"klasse": 2.3, "sterk": 1.5, "knap": 1.9, "slim": 1.5, "schoon": 1.5, "comfortabel": 2.0,
		"behulpzaam": 2.0, "behulpzame": 2.0, "professioneel": 1.9, "correct": 1.2, "netjes": 1.7,
		"keurig": 1.9, "uitmuntend": 3.0, "indrukwekkend": 2.3, "aangenaam": 2.0, "gezellig": 2.3,
		"gezellige": 2.3, "smakelijk": 2.2, "waardering": 1.9, "complimenten": 2.5, "compliment": 2.3,
		"ok": 0.9, "oké": 0.9, "oke": 0.9, "redelijk": 0.6, "waard": 0.9, "positief": 2.1,
		"succes": 2.4, "gelukt": 1.8, "ja": 1.2, "eindelijk": 0.6, "opgelucht": 1.7,

		// klachten
		"slecht": -2.5, "slechte": -2.5, "slechter": -2.1, "slechtst": -3.0, "slechtste": -3.1,
		"waardeloos": -2.8, "waardeloze": -2.8, "belabberd": -2.5, "beroerd": -2.4, "vreselijk": -2.8,
		"vreselijke": -2.8, "verschrikkelijk": -2.9, "verschrikkelijke": -2.9, "afschuwelijk": -2.9,
		"afschuwelijke": -2.9, "rampzalig": -3.0, "ramp": -2.8, "drama": -2.2, "schandalig": -2.8,
		"schandalige": -2.8, "schande": -2.6, "belachelijk": -2.2, "belachelijke": -2.2, "bespottelijk": -2.1,
		"triest": -2.0, "treurig": -2.0, "zielig": -1.5, "jammer": -1.4, "balen": -1.8, "baal": -1.8,
		"boos": -2.2, "woedend": -2.8, "kwaad": -2.2, "pissig": -2.2, "geïrriteerd": -1.8, "geirriteerd": -1.8,
		"irritant": -1.9, "irritante": -1.9, "ergerlijk": -2.0, "frustrerend": -2.0, "gefrustreerd": -2.1,
		"teleurgesteld": -2.1, "teleurstellend": -2.1, "teleurstelling": -2.2, "ontevreden": -2.0,
		"verdrietig": -2.1, "onacceptabel": -2.2, "onaanvaardbaar": -2.4, "haat": -2.7, "haten": -2.6,
		"hekel": -1.9, "oplichting": -2.8, "oplichters": -2.9, "oplichter": -2.9, "opgelicht": -2.8,
		"fraude": -2.8, "frauduleus": -2.9, "nep": -2.1, "namaak": -1.6, "bedrog": -2.6, "bedrogen": -2.6,
		"bedriegers": -2.8, "leugen": -1.9, "leugens": -1.9, "gelogen": -1.9, "liegen": -2.0, "liegt": -2.0,
		"leugenaars": -2.4, "gestolen": -2.2, "diefstal": -2.2, "dieven": -2.4, "afzetterij": -2.5,
		"afzetters": -2.6, "misleidend": -2.0, "misleiding": -2.0, "kapot": -2.0, "defect": -1.8,
		"stuk": -1.2, "storing": -1.8, "storingen": -1.8, "onderbreking": -1.2, "plat": -1.0, "eruit": -0.4,
		"traag": -1.3, "trage": -1.3, "langzaam": -1.0, "vertraging": -1.3, "vertraagd": -1.2,
		"geannuleerd": -1.3, "annulering": -0.8, "kwijt": -1.4, "verloren": -1.5, "vermist": -1.3,
		"beschadigd": -1.9, "terugbetaling": -0.9, "restitutie": -0.9, "duur": -0.8,
		"dure": -0.8, "overbetaald": -1.8, "gehackt": -1.8, "gehacked": -1.8, "lek": -1.3,
		"datalek": -2.0, "gelekt": -1.7, "phishing": -2.2, "gevaarlijk": -2.2, "gevaarlijke": -2.2,
		"gevaar": -2.2, "onveilig": -2.1, "schade": -1.9, "schadelijk": -2.3, "ziek": -1.9, "zieke": -1.7,
		"gewond": -2.1, "dood": -3.0, "overleden": -2.4, "giftig": -2.5, "terugroepactie": -1.2,
		"rechtszaak": -1.5, "aanklagen": -1.6, "boycot": -1.9, "klacht": -1.6, "klachten": -1.6,
		"klagen": -1.4, "probleem": -1.7, "problemen": -1.7, "fout": -1.8, "fouten": -1.7, "foutmelding": -1.6,
		"mis": -1.2, "misgegaan": -1.8, "onbeschoft": -2.1, "brutaal": -1.6, "genegeerd": -1.6,
		"wachten": -0.6, "wachttijd": -0.9, "vastgelopen": -1.6, "incompetent": -2.4, "amateurs": -1.8,
		"amateuristisch": -2.2, "prutsers": -2.3, "klungels": -2.1, "nachtmerrie": -2.7, "chaos": -2.0,
		"puinhoop": -2.4, "zooi": -1.8, "rommel": -1.6, "troep": -2.0, "bagger": -2.4, "kut": -2.6,
		"klote": -2.5, "godverdomme": -2.6, "verdomme": -2.0, "shit": -2.3, "kak": -2.0, "bah": -1.8,
		"jeetje": -0.5, "saai": -1.3, "saaie": -1.3, "sorry": -0.3, "eng": -1.9, "bang": -1.8,
		"zorgen": -1.0, "waarschuwing": -1.4, "vermijden": -1.2,
		"hebberig": -1.8, "graaiers": -2.2, "corrupt": -3.0, "beledigend": -2.3, "discriminatie": -2.3,
		"racistisch": -3.0, "misbruik": -2.8, "ellende": -2.5, "ellendig": -2.3, "pijn": -2.0,
		"dom": -2.1, "stom": -2.0, "stomme": -2.0, "idioot": -2.3, "idioten": -2.5,
		"zwak": -1.6, "vies": -2.0, "vieze": -2.0, "smerig": -2.3, "smerige": -2.3, "koud": -0.4,
		"verlopen": -0.9, "geweigerd": -1.5, "geblokkeerd": -1.4, "beroofd": -2.6, "dreiging": -2.2,
		"nalatig": -2.2, "oneerlijk": -2.1, "oneerlijke": -2.1, "nee": -1.0, "walgelijk": -2.8,
		"gênant": -1.6, "genant": -1.6, "schokkend": -2.0, "geschokt": -1.8, "slordig": -1.7,
		"lui": -1.3, "spijt": -1.6, "louche": -1.7, "verdacht": -1.5, "desinformatie": -1.9,
		"klantonvriendelijk": -2.3, "onbereikbaar": -1.8, "onbruikbaar": -2.2, "alweer": -0.8,
		"helaas": -1.3, "huilen": -1.9, "boosheid": -2.2, "woede": -2.6, "zuur": -1.4,
	}
}

// newBoostNL returns Dutch intensifiers (+) and dampeners (-).
func newBoostNL() map[string]float64 {
	return map[string]float64{
		"zeer": bIncr, "heel": bIncr, "erg": bIncr, "echt": bIncr, "enorm": bIncr, "ontzettend": bIncr,
		"hartstikke": bIncr, "vreselijk": bIncr, "verschrikkelijk": bIncr, "totaal": bIncr,
		"compleet": bIncr, "volledig": bIncr, "helemaal": bIncr, "extreem": bIncr, "uiterst": bIncr,
		"bijzonder": bIncr, "ongelooflijk": bIncr, "ongelofelijk": bIncr, "super": bIncr, "zo": bIncr,
		"zó": bIncr, "ernstig": bIncr, "absoluut": bIncr, "werkelijk": bIncr,
		"te": bIncr, "meer": bIncr, "mega": bIncr, "keihard": bIncr, "kei": bIncr, "bere": bIncr,
		"beetje": bDecr, "enigszins": bDecr, "nauwelijks": bDecr, "amper": bDecr, "ietwat": bDecr,
		"wat": bDecr, "redelijk": bDecr, "vrij": bDecr, "tamelijk": bDecr, "nogal": bDecr, "minder": bDecr,
		"bijna": bDecr, "soms": bDecr,
	}
}

// newNegNL returns Dutch negators. Dutch often negates after the verb ("het
// werkt niet"); functionNL words catch that case.
func newNegNL() map[string]bool {
	return map[string]bool{
		"niet": true, "geen": true, "nooit": true, "niets": true, "niks": true, "nergens": true,
		"niemand": true, "zonder": true, "noch": true, "allerminst": true, "geenszins": true,
	}
}

// newButNL returns Dutch contrast words.
func newButNL() map[string]bool {
	return map[string]bool{"maar": true, "echter": true, "hoewel": true, "alhoewel": true, "doch": true}
}

// newFunctionNL returns words that are neutral on their own but a complaint when
// negated, before or after: "werkt niet", "niet bereikbaar".
func newFunctionNL() map[string]bool {
	return map[string]bool{
		"werkt": true, "werken": true, "werkte": true, "gewerkt": true, "doet": true, "deed": true,
		"laadt": true, "laden": true, "aangekomen": true, "ontvangen": true, "geleverd": true,
		"bezorgd": true, "bereikbaar": true, "gereageerd": true, "reageert": true, "reageren": true,
		"terugbetaald": true, "teruggebeld": true, "geholpen": true, "helpen": true,
		"verbinding": true, "inloggen": true, "open": true, "opent": true,
	}
}

// newStopNL returns frequent Dutch function words used to guess the language.
func newStopNL() map[string]bool {
	return map[string]bool{
		"de": true, "het": true, "een": true, "en": true, "ik": true, "je": true, "jullie": true,
		"u": true, "mijn": true, "van": true, "voor": true, "met": true, "op": true, "niet": true,
		"maar": true, "dat": true, "die": true, "dit": true, "wat": true, "waarom": true, "hoe": true,
		"al": true, "weer": true, "nog": true, "ook": true, "geen": true, "zijn": true, "heb": true,
		"hebben": true, "heeft": true, "wordt": true, "worden": true, "naar": true, "bij": true,
		"er": true, "we": true, "wij": true, "ze": true, "zo": true, "erg": true, "echt": true,
		"nu": true, "om": true, "uw": true, "wel": true, "kan": true, "kunnen": true, "mee": true,
	}
}
