package sentiment

// newLexEN returns a compact English valence lexicon in the style of VADER: each
// word carries a mean valence on a -4 (most negative) to +4 (most
// positive) scale. It is written for this project (not copied from
// VADER's list) and leans towards the vocabulary of brand mentions:
// service, delivery, billing, outages, fraud and praise.
func newLexEN() map[string]float64 {
	return map[string]float64{
		// praise
		"good": 1.9, "great": 3.1, "excellent": 3.2, "amazing": 2.8, "awesome": 3.1,
		"fantastic": 2.6, "wonderful": 2.7, "brilliant": 2.8, "perfect": 2.7, "superb": 3.1,
		"outstanding": 3.0, "incredible": 2.4, "best": 3.2, "better": 1.9, "nice": 1.8,
		"love": 3.2, "loved": 2.9, "loving": 2.9, "loves": 2.7, "lovely": 2.8, "like": 1.3, "liked": 1.6,
		"enjoy": 2.2, "enjoyed": 2.3, "happy": 2.7, "glad": 2.0, "pleased": 1.9, "delighted": 2.9,
		"thanks": 1.9, "thank": 1.5, "thankyou": 2.0, "thx": 1.4, "grateful": 2.0, "appreciate": 1.7,
		"appreciated": 2.0, "helpful": 1.8, "friendly": 2.2, "kind": 2.0, "polite": 1.6, "quick": 1.0,
		"fast": 1.2, "easy": 1.9, "smooth": 1.5, "reliable": 1.9, "recommend": 1.5, "recommended": 1.6,
		"impressed": 2.2, "impressive": 2.3, "fabulous": 2.8, "fun": 2.3, "cool": 1.3, "beautiful": 2.9,
		"solid": 1.2, "fine": 0.8, "ok": 0.9, "okay": 0.9, "well": 1.1, "win": 2.7, "wins": 2.6,
		"winner": 2.8, "yay": 2.4, "wow": 2.8, "lol": 1.8, "haha": 2.0, "hero": 2.5, "heroes": 2.4,
		"legend": 2.3, "legendary": 2.4, "superstar": 2.5, "satisfied": 1.8, "resolved": 1.6, "fixed": 1.2,
		"works": 0.6, "saved": 1.6, "save": 1.0, "safe": 1.9, "secure": 1.4, "honest": 2.3, "fair": 1.3,
		"free": 1.5, "bonus": 1.9, "gift": 1.9, "congrats": 2.4, "congratulations": 2.9, "proud": 2.1,
		"exciting": 2.2, "excited": 1.6, "trust": 2.0, "trusted": 2.1, "welcome": 2.0, "genius": 1.9,
		"smart": 1.7, "clean": 1.7, "comfortable": 2.3, "comfy": 1.9, "cheers": 2.1, "sweet": 2.0,
		"stellar": 2.8, "flawless": 2.3, "seamless": 1.9, "painless": 1.6, "worth": 0.9, "worthwhile": 1.8,
		"favourite": 2.1, "favorite": 2.1, "fave": 1.9, "top": 0.8, "positive": 2.3,
		"success": 2.7, "successful": 2.8, "support": 1.7, "supported": 1.3, "useful": 1.9, "valuable": 2.1,
		"refreshing": 2.1, "relief": 1.6, "relieved": 1.6, "calm": 1.3, "cute": 2.0, "gorgeous": 3.0,
		"delicious": 2.7, "tasty": 2.3, "yummy": 2.4, "fresh": 1.3, "prompt": 1.1, "attentive": 1.9,
		"professional": 1.9, "competent": 1.3, "efficient": 1.8, "bravo": 2.5, "kudos": 2.3, "praise": 2.5,
		"agree": 1.5, "yes": 1.7, "glorious": 2.9, "magic": 1.8, "magical": 2.1, "adore": 2.8,

		// complaints and harm
		"bad": -2.5, "worse": -2.1, "worst": -3.1, "terrible": -2.9, "horrible": -2.5, "awful": -2.0,
		"poor": -2.1, "poorly": -1.9, "crap": -1.9, "crappy": -2.4, "shit": -2.6, "shitty": -2.6,
		"garbage": -2.2, "trash": -2.0, "rubbish": -2.0, "junk": -1.9, "useless": -1.9, "pathetic": -2.6,
		"disgusting": -2.4, "disgrace": -2.2, "disgraceful": -2.6, "shameful": -2.6, "shame": -2.1,
		"hate": -2.7, "hated": -3.2, "hates": -1.9, "dislike": -1.6, "sucks": -1.5, "suck": -1.9,
		"angry": -2.3, "furious": -2.7, "livid": -2.4, "mad": -2.2, "annoyed": -1.6, "annoying": -1.7,
		"frustrated": -2.4, "frustrating": -1.9, "frustration": -2.1, "upset": -1.6, "sad": -2.1,
		"disappointed": -1.9, "disappointing": -2.2, "disappointment": -2.3, "unhappy": -1.8,
		"unacceptable": -2.0, "ridiculous": -1.5, "absurd": -1.4, "outrageous": -2.0, "outraged": -2.8,
		"scam": -2.7, "scammed": -2.8, "scammer": -2.8, "scammers": -2.8, "fraud": -2.8, "fraudulent": -3.0,
		"fake": -2.1, "lie": -1.8, "lies": -1.8, "lied": -1.6, "liar": -2.4, "liars": -2.4, "lying": -2.2,
		"steal": -2.2, "stole": -2.2, "stolen": -2.2, "theft": -2.1, "thieves": -2.3, "rip-off": -2.1,
		"ripoff": -2.1, "ripped": -1.7, "cheated": -2.3, "cheat": -2.0, "misleading": -1.9, "mislead": -1.7,
		"broken": -2.1, "broke": -1.7, "breaks": -1.4, "bug": -1.2, "bugs": -1.2, "buggy": -1.8,
		"crash": -1.8, "crashed": -1.8, "crashes": -1.8, "crashing": -1.8, "glitch": -1.3, "error": -1.7,
		"errors": -1.6, "fail": -2.5, "failed": -2.3, "fails": -1.9, "failing": -2.0, "failure": -2.3,
		"outage": -1.9, "outages": -1.9, "down": -0.8, "offline": -1.0, "unusable": -2.0, "unreliable": -1.6,
		"slow": -1.0, "late": -0.9, "delay": -1.2, "delayed": -1.0, "delays": -1.3, "cancelled": -1.1,
		"canceled": -1.1, "cancel": -0.8, "lost": -1.3, "missing": -1.2, "damaged": -1.9, "refund": -0.9,
		"refunds": -0.9, "overcharged": -2.2, "overpriced": -1.6, "charged": -0.6, "expensive": -0.9,
		"hacked": -1.7, "breach": -1.8, "leak": -1.4, "leaked": -1.7, "compromised": -1.8, "phishing": -2.2,
		"dangerous": -2.1, "danger": -2.4, "unsafe": -2.2, "harm": -2.5, "harmful": -2.6, "sick": -1.9,
		"ill": -1.5, "injured": -2.1, "died": -2.6, "dead": -3.3, "death": -2.9, "die": -2.9, "kill": -3.7,
		"killed": -3.5, "killing": -3.4, "toxic": -2.6, "poison": -2.5, "recall": -1.0, "lawsuit": -1.6,
		"sue": -1.5, "boycott": -1.9, "complaint": -1.6, "complain": -1.5, "complaints": -1.6, "problem": -1.7,
		"problems": -1.7, "issue": -0.8, "issues": -0.9, "trouble": -1.7, "wrong": -2.1, "mistake": -1.6,
		"rude": -2.0, "ignored": -1.4, "ignoring": -1.4, "ignore": -1.1, "nobody": -0.7, "waiting": -0.6,
		"wait": -0.3, "stuck": -1.6, "hold": -0.2, "ghosted": -1.8, "incompetent": -2.4, "incompetence": -2.5,
		"joke": -0.9, "clowns": -1.8, "clown": -1.4, "nightmare": -2.7, "disaster": -3.1, "chaos": -2.0,
		"mess": -1.5, "messed": -1.4, "screwed": -2.0, "fuck": -2.5, "fucking": -1.8, "wtf": -2.8,
		"damn": -1.7, "dammit": -1.8, "hell": -3.6, "ugh": -1.8, "meh": -0.3, "boring": -1.3, "sorry": -0.3,
		"scary": -2.2, "scared": -1.9, "afraid": -2.0, "worried": -1.2, "worry": -1.9, "concerned": -1.0,
		"concern": -0.7, "warning": -1.4, "beware": -1.6, "avoid": -1.2, "greedy": -1.8,
		"greed": -1.7, "corrupt": -3.0, "insulting": -2.3, "insult": -2.3, "discrimination": -2.3,
		"racist": -3.1, "abuse": -3.2, "abusive": -3.2, "misery": -2.7, "miserable": -2.2, "pain": -2.3,
		"painful": -1.9, "hurt": -2.4, "hurts": -2.1, "cry": -2.1, "crying": -2.1, "tears": -0.9,
		"stupid": -2.4, "idiot": -2.3, "idiots": -2.6, "dumb": -2.3, "lame": -1.8, "weak": -1.9,
		"dirty": -1.9, "filthy": -2.4, "cold": -0.3, "noisy": -0.7, "expired": -1.1, "denied": -1.4,
		"refused": -1.2, "blocked": -1.2, "banned": -1.8, "robbed": -2.6, "robbery": -2.6, "threat": -2.4,
		"threatened": -2.0, "vulnerable": -0.9, "negligence": -2.4, "negligent": -2.2, "unfair": -2.1,
		"nope": -1.2, "disgusted": -2.4, "embarrassing": -1.6, "embarrassed": -1.5,
		"shocking": -1.9, "shocked": -1.3, "appalling": -2.9, "appalled": -2.5, "dreadful": -2.5,
		"sloppy": -1.8, "lazy": -1.3, "regret": -1.9, "regrets": -1.6, "lousy": -2.5, "sketchy": -1.4,
		"shady": -1.6, "suspicious": -1.5, "misinformation": -1.9, "hoax": -1.8,
	}
}

// newBoostEN returns English intensifiers (+) and dampeners (-).
func newBoostEN() map[string]float64 {
	return map[string]float64{
		"very": bIncr, "really": bIncr, "so": bIncr, "extremely": bIncr, "absolutely": bIncr,
		"completely": bIncr, "totally": bIncr, "utterly": bIncr, "incredibly": bIncr, "super": bIncr,
		"truly": bIncr, "seriously": bIncr, "highly": bIncr, "most": bIncr, "more": bIncr, "too": bIncr,
		"insanely": bIncr, "hugely": bIncr, "deeply": bIncr, "especially": bIncr, "entirely": bIncr,
		"fully": bIncr, "ridiculously": bIncr, "remarkably": bIncr, "exceptionally": bIncr,
		"damn": bIncr, "freaking": bIncr, "fucking": bIncr, "such": bIncr, "beyond": bIncr,
		"slightly": bDecr, "somewhat": bDecr, "barely": bDecr, "hardly": bDecr, "little": bDecr,
		"kinda": bDecr, "sorta": bDecr, "partly": bDecr, "marginally": bDecr, "occasionally": bDecr,
		"fairly": bDecr, "quite": bDecr, "less": bDecr, "mildly": bDecr, "almost": bDecr, "bit": bDecr,
	}
}

// newNegEN returns English negators; "n't" endings are recognised separately.
func newNegEN() map[string]bool {
	return map[string]bool{
		"not": true, "no": true, "never": true, "none": true, "nothing": true, "nobody": true,
		"neither": true, "nor": true, "without": true, "cannot": true, "cant": true, "dont": true,
		"doesnt": true, "didnt": true, "isnt": true, "wasnt": true, "arent": true, "werent": true,
		"wont": true, "wouldnt": true, "shouldnt": true, "couldnt": true, "hasnt": true, "havent": true,
		"hadnt": true, "aint": true, "nowhere": true, "rarely": true, "seldom": true, "mustnt": true,
		"neednt": true, "mightnt": true, "shant": true,
	}
}

// newButEN returns contrast words: what follows weighs more than what came before.
func newButEN() map[string]bool {
	return map[string]bool{"but": true, "however": true, "yet": true, "although": true, "though": true}
}

// newFunctionEN returns words that are neutral on their own but a complaint when
// negated: "doesn't work", "not working", "never arrived".
func newFunctionEN() map[string]bool {
	return map[string]bool{
		"work": true, "works": true, "working": true, "worked": true, "load": true, "loading": true,
		"loads": true, "arrived": true, "arrive": true, "arrives": true, "respond": true, "responded": true,
		"responding": true, "answer": true, "answered": true, "answering": true, "received": true,
		"receive": true, "open": true, "opens": true, "connect": true, "connecting": true, "delivered": true,
		"shipped": true, "refunded": true, "replied": true, "reply": true, "help": true, "helped": true,
	}
}

// newStopEN returns frequent English function words used to guess the language.
func newStopEN() map[string]bool {
	return map[string]bool{
		"the": true, "and": true, "is": true, "are": true, "was": true, "were": true, "i": true,
		"you": true, "your": true, "my": true, "of": true, "to": true, "for": true, "with": true,
		"on": true, "it": true, "this": true, "that": true, "not": true, "but": true, "have": true,
		"has": true, "be": true, "what": true, "why": true, "how": true, "just": true, "again": true,
		"still": true, "no": true, "can": true, "me": true, "we": true, "they": true, "at": true,
		"a": true, "an": true, "so": true, "very": true, "from": true, "will": true, "been": true,
		"dont": true, "doesnt": true, "its": true, "im": true, "about": true, "get": true, "got": true,
	}
}
