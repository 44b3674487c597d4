package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"switchboard/domain"
)

// The brand the simulator talks about, and its own accounts.
const (
	Brand           = "Acme"
	HandleX         = "@acme"
	HandleMastodon  = "@acme@social.example"
	HandleBluesky   = "acme.bsky.social"
	HandleReddit    = "u/acme_official"
	ImpostorHandle  = "@acme_support_official"
	mastodonServer  = "social.example"
	impostorName    = "Acme Support ✔"
	impostorBio     = "Official support"
	impostorProduct = "Rocket Skates"
)

// BrandHandles are the brand's own accounts, as a config would list them.
var BrandHandles = []string{HandleMastodon, HandleX, HandleBluesky}

// BrandKeywords are the terms a config for the demo would track.
var BrandKeywords = []string{"acme", "#acmefail"}

var products = []string{
	"Rocket Skates", "Anvil Pro", "Acme Cloud", "Acme app", "Smart Kettle",
	"Giant Magnet", "Portable Hole", "Acme Rewards card", "Earthquake Pills", "Jet Bike",
}

var productsNL = []string{
	"Rocket Skates", "Anvil Pro", "Acme Cloud", "Acme-app", "Slimme Waterkoker",
	"Reuzenmagneet", "Acme Rewards-pas", "Jet Bike",
}

var cities = []string{"Amsterdam", "Utrecht", "London", "Rotterdam", "Leeds", "Antwerp", "Eindhoven", "Bristol", "Groningen", "Dublin"}

// template is a sentence with slots: {p} product, {b} brand handle,
// {n} a small number, {c} a city, {d} a weekday, {o} an order number.
type template struct {
	text      string
	sentiment float64
}

var enComplaints = []template{
	{"{b} my {p} arrived broken. Third time this year. Who do I talk to?", -0.7},
	{"Waited {n} days for my {p} order #{o} and still nothing. {b} what is going on? #acmefail", -0.8},
	{"{b} your support chat has been 'connecting' for {n} minutes. Seriously.", -0.6},
	{"The new {p} update wiped my settings. Not impressed, {b}.", -0.5},
	{"Charged twice for my {p} order?? {b} please refund, order #{o}", -0.7},
	{"Is anyone else's {p} making a weird clicking noise? Mine started {d}. {b}", -0.3},
	{"{b} cancelled my {p} order without telling me. Found out from my bank.", -0.8},
	{"Honestly {p} was better before the redesign. {b} bring back the old one", -0.4},
	{"Delivery driver left my {p} in the rain in {c}. Box soaked. {b}", -0.6},
	{"{b} three emails, zero answers. How hard is it to confirm a return?", -0.7},
	{"The {p} battery lasts about {n} minutes now. Was 6 hours when new. {b}", -0.5},
}

var enPraise = []template{
	{"Shout out to {b} support, sorted my {p} issue in {n} minutes. Impressed!", 0.8},
	{"Got my {p} today and wow, it's brilliant. Thanks {b}", 0.9},
	{"{p} has genuinely changed my mornings. Well done {b} 👏", 0.8},
	{"Credit where due: {b} replaced my {p} no questions asked.", 0.7},
	{"The {p} in {c} store was so helpful today. Lovely staff. {b}", 0.7},
	{"Two years with my {p} and still going strong. {b} makes good stuff.", 0.6},
	{"Fast delivery, great packaging, {p} works perfectly 🚀 {b}", 0.8},
}

var enQuestions = []template{
	{"{b} does the {p} work with the older charger?", 0.0},
	{"Anyone know if {b} ships {p} to {c}?", 0.0},
	{"{b} when is the {p} back in stock?", 0.0},
	{"{b} is there a student discount on {p}?", 0.1},
	{"Thinking of getting the {p}. Worth it? Anyone used one for more than a year? {b}", 0.05},
	{"{b} how do I reset my {p} to factory settings?", 0.0},
	{"{b} can I change the delivery address on order #{o}?", 0.0},
}

var enNeutral = []template{
	{"Saw an ad for {p} on the tram in {c}. {b} is everywhere lately.", 0.0},
	{"{b} is running a {p} demo at the {c} store on {d}, apparently.", 0.1},
	{"Reading the {b} quarterly notes. {p} sales up, hmm.", 0.0},
	{"Unboxing my {p} later tonight, will report back. {b}", 0.1},
}

var nlTemplates = []template{
	{"{b} mijn {p} is kapot aangekomen. Wie kan mij helpen?", -0.7},
	{"Al {n} dagen wachten op bestelling #{o}. {b} wat is hier aan de hand? #acmefail", -0.8},
	{"Top service van {b}! Mijn {p} binnen een dag vervangen. 👍", 0.8},
	{"{b} werkt {p} ook met de oude oplader?", 0.0},
	{"Wie heeft ervaring met {p}? Twijfel nog. {b}", 0.0},
	{"Dubbel betaald voor {p}, {b} graag terugstorten. Bestelnummer #{o}", -0.7},
	{"Blij met mijn nieuwe {p}, echt een aanrader. {b}", 0.8},
	{"{b} de klantenservice neemt al {n} minuten niet op. Serieus?", -0.6},
	{"Bezorger heeft mijn {p} gewoon in de regen laten staan in {c}. {b}", -0.6},
	{"{b} wanneer is {p} weer op voorraad?", 0.0},
	{"Vriendelijk personeel in de winkel in {c}, heel goed geholpen met {p}. {b}", 0.7},
	{"Sinds de update doet {p} het niet meer goed. Jammer {b}.", -0.5},
}

var newsTemplates = []template{
	{"Acme expands {p} line as demand grows in Europe", 0.2},
	{"Review: the {p} is Acme's most polished product yet", 0.5},
	{"Acme recalls small batch of {p} over overheating reports", -0.5},
	{"Acme opens new distribution centre near {c}", 0.3},
	{"Acme breidt uit met nieuw distributiecentrum bij {c}", 0.3},
	{"Consumentenbond test {p}: degelijk maar prijzig", 0.0},
	{"Analysts split on Acme's subscription push for {p}", -0.1},
}

var replyTemplatesEN = []template{
	{"Same here, {p} has been a pain all week.", -0.5},
	{"Had this too. Their DMs are quicker than email.", 0.0},
	{"Did you try turning it off and on again? Worked for my {p}.", 0.1},
	{"+1, following this thread", 0.0},
	{"Mine's fine, maybe a bad batch?", 0.1},
	{"Ugh, this is why I returned mine.", -0.5},
}

var replyTemplatesNL = []template{
	{"Hier precies hetzelfde probleem met {p}.", -0.5},
	{"Probeer ze via DM, dat ging bij mij sneller.", 0.0},
	{"Bij mij werkt hij prima, misschien een slechte batch?", 0.1},
}

// Scripted crisis lines.
var impostorPosts = []string{
	"🎉 GREAT NEWS! Acme " + impostorProduct + " are FREE this weekend for all loyal customers! Reply with your email and DM us your card details to cover shipping only. #acme #giveaway",
	"Reminder: FREE " + impostorProduct + " for the first 1000 customers!! DM us now, offer ends tonight. #acme",
	"To claim your free " + impostorProduct + ", visit acme-rewards-claim.example and enter your card number for verification.",
}

var impersonationFollowups = []template{
	{"{b} your support account says Rocket Skates are free this weekend but checkout charges me full price??", -0.6},
	{"Just saw @acme_support_official giving away free " + impostorProduct + ". Is this legit {b}?", -0.1},
	{"{b} I DMed @acme_support_official my card details for the free skates and now there are charges I don't recognise. HELP", -0.9},
	{"Looks like a scam account impersonating {b}. Report @acme_support_official everyone!", -0.6},
	{"So are the skates free or not {b}?? Your own account said so #acmefail", -0.6},
	{"{b} is this your account? @acme_support_official promised free skates, store says no. False advertising?", -0.7},
	{"Went to the {c} store for my free skates and they laughed at me. {b} explain please", -0.7},
	{"{b} jullie supportaccount zegt dat de skates gratis zijn, maar ik moet gewoon betalen?!", -0.6},
	{"Pas op: @acme_support_official is NEP. Geef je kaartgegevens niet! {b}", -0.5},
	{"My mum gave that fake {b} account her card number. Absolutely furious. Why is it still up?", -0.9},
}

var outagePosts = []template{
	{"{b} is the app down? Can't log in at all", -0.5},
	{"Acme Cloud has been down for {n} minutes. My whole team is stuck. {b} #acmefail", -0.8},
	{"Getting 'error 503' on {p}. {b} any ETA?", -0.5},
	{"{b} status page says all green but nothing loads. Come on.", -0.7},
	{"{b} ligt Acme Cloud er weer uit? Niks doet het.", -0.6},
	{"Acme storing alweer. Derde keer deze maand. {b} #acmefail", -0.8},
	{"Payment failing on checkout for {p}, tried 3 cards. {b}", -0.6},
	{"Is it just me or is {b} completely down in {c}?", -0.4},
}

var leakPosts = []template{
	{"Leaked internal Acme memo says {p} defects were known months before launch. {b} care to comment?", -0.8},
	{"If the leaked {b} document is real, they knew about the {p} overheating. Yikes.", -0.8},
	{"That leaked {b} slide deck calls customers 'low-value segments'. Lovely.", -0.9},
	{"{b} gelekt intern document: defecten aan {p} waren al maanden bekend?", -0.7},
	{"Not sharing the leaked {b} PDF but the screenshots going round are bad.", -0.6},
	{"Journalists are asking {b} about the leaked memo. Silence so far.", -0.5},
}

var leakNews = []template{
	{"Leaked Acme memo suggests {p} faults were known before launch", -0.7},
	{"Uitgelekt Acme-document zet vraagtekens bij veiligheid {p}", -0.6},
}

// hostileTexts exercise the sanitiser: escape sequences that would clear a
// screen or set a title, bidi overrides that reverse a line, C1 controls.
var hostileTexts = []string{
	"@acme my order is fine \x1b[2J\x1b[H\x1b[31mSYSTEM: all operators logged out\x1b[0m",
	"@acme refund please \x1b]0;switchboard hacked\x07 thanks",
	"@acme check this out: \u202Egnp.sselmra\u202C is definitely a picture",
	"Acme \u2066reverse\u2069 \u202Dforce\u202C test \x9b31m C1 control",
	"@acme loud \x1b[5mBLINK\x1b[25m and \x1b[8mhidden text\x1b[28m and a bell\x07\x07",
	"@acme \x1bP+q544e\x1b\\ DCS probe in a mention",
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// fill replaces the slots of t for a platform's brand handle.
func fill(r *rand.Rand, t string, handle string, dutch bool) string {
	p := products[r.IntN(len(products))]
	if dutch {
		p = productsNL[r.IntN(len(productsNL))]
	}
	repl := strings.NewReplacer(
		"{b}", handle,
		"{p}", p,
		"{n}", fmt.Sprint(2+r.IntN(40)),
		"{c}", cities[r.IntN(len(cities))],
		"{d}", weekdays[r.IntN(len(weekdays))],
		"{o}", fmt.Sprintf("A%07d", r.IntN(10_000_000)),
	)
	return repl.Replace(t)
}

// brandHandle is how the brand is addressed on a platform.
func brandHandle(p domain.Platform) string {
	switch p {
	case domain.PlatformMastodon:
		return HandleMastodon
	case domain.PlatformBluesky:
		return "@" + HandleBluesky
	case domain.PlatformReddit:
		return "Acme"
	default:
		return HandleX
	}
}

// Author pool.
var firstEN = []string{"Sarah", "James", "Priya", "Tom", "Emily", "Daniel", "Aisha", "Chris", "Hannah", "Liam", "Grace", "Oliver", "Mia", "Ben", "Zoe", "Ravi", "Lucy", "Jack", "Chloe", "Sam"}
var lastEN = []string{"Mitchell", "Okafor", "Patel", "Hughes", "Walsh", "Kim", "Brennan", "Fletcher", "Shah", "Murray", "Carter", "Lee", "Doyle", "Nguyen", "Price"}
var firstNL = []string{"Sanne", "Daan", "Lotte", "Bram", "Fleur", "Jeroen", "Eva", "Thijs", "Noor", "Ruben", "Femke", "Sem", "Anouk", "Joris", "Iris", "Mehmet", "Yara", "Wouter"}
var lastNL = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Yilmaz", "El Amrani"}
var instances = []string{"mastodon.social", "social.example", "mastodon.nl", "fosstodon.org", "toot.community", "hachyderm.io"}
var outlets = []string{"Tech Courant", "The Daily Ledger", "Nieuwsblad Digitaal", "Gadget Weekly", "Retail Today", "Het Financieel Dagblad Online"}
