package persons

// nickGroups are given names that are one name to the people who bear
// them: the formal name first, then its common British short forms. A
// short form in two groups (Alex, Chris, Sam...) links both.
var nickGroups = [][]string{
	{"abigail", "abi", "abby", "abbie", "gail"},
	{"alexander", "alex", "alec", "alistair", "sandy", "xander"},
	{"alexandra", "alex", "alexa", "lexi", "sandra", "sasha"},
	{"alfred", "alf", "alfie", "fred"},
	{"amanda", "mandy", "manda"},
	{"andrew", "andy", "drew"},
	{"anthony", "tony", "ant"},
	{"barbara", "barb", "babs"},
	{"benjamin", "ben", "benny", "benji"},
	{"catherine", "katherine", "kathryn", "cath", "cathy", "kate", "katie", "kath", "kathy", "kat", "kay", "kitty"},
	{"charles", "charlie", "chas", "chaz", "chuck"},
	{"charlotte", "lottie", "charlie", "lotte"},
	{"christine", "christina", "chris", "chrissie", "tina"},
	{"christopher", "chris", "kit", "topher"},
	{"daniel", "dan", "danny"},
	{"david", "dave", "davey", "davy"},
	{"deborah", "debra", "debbie", "deb", "debs"},
	{"dorothy", "dot", "dottie", "dolly"},
	{"edward", "ed", "eddie", "ted", "teddy", "ned"},
	{"eleanor", "elinor", "ellie", "elle", "nell", "nellie", "nora"},
	{"elizabeth", "liz", "lizzie", "beth", "betty", "bess", "eliza", "libby", "lisa", "betsy"},
	{"frederick", "fred", "freddie", "freddy"},
	{"gerald", "gerry", "jerry", "ged"},
	{"helen", "nell", "ellen"},
	{"henry", "harry", "hal", "hank"},
	{"isabel", "isabella", "isabelle", "izzy", "bella", "belle", "issy"},
	{"jacqueline", "jackie", "jacqui"},
	{"james", "jim", "jimmy", "jamie", "jem"},
	{"jennifer", "jen", "jenny", "jenni"},
	{"jessica", "jess", "jessie"},
	{"john", "jack", "johnny", "jon", "jonny"},
	{"jonathan", "jon", "jonny", "nathan"},
	{"joseph", "joe", "joey", "jo"},
	{"josephine", "jo", "josie", "jose"},
	{"joshua", "josh"},
	{"kenneth", "ken", "kenny"},
	{"lawrence", "laurence", "larry", "laurie"},
	{"leonard", "len", "lenny", "leo"},
	{"margaret", "maggie", "meg", "peggy", "madge", "margie", "mags", "greta", "maisie"},
	{"mary", "molly", "polly", "mae", "mamie"},
	{"matthew", "matt", "matty"},
	{"michael", "mike", "mick", "micky", "mickey", "mikey"},
	{"nicholas", "nick", "nicky", "nico"},
	{"patricia", "pat", "patty", "trish", "tricia"},
	{"patrick", "pat", "paddy"},
	{"penelope", "penny"},
	{"peter", "pete"},
	{"rebecca", "becky", "becca", "becki"},
	{"richard", "rich", "richie", "rick", "ricky", "dick"},
	{"robert", "rob", "robbie", "bob", "bobby", "bert"},
	{"ronald", "ron", "ronnie"},
	{"samantha", "sam", "sammy"},
	{"samuel", "sam", "sammy"},
	{"stephen", "steven", "steve", "stevie"},
	{"susan", "sue", "susie", "suzy"},
	{"theresa", "teresa", "tess", "tessa", "terri"},
	{"thomas", "tom", "tommy"},
	{"timothy", "tim", "timmy"},
	{"victoria", "vicky", "vicki", "tori", "vic"},
	{"william", "will", "bill", "billy", "willie", "liam"},
}

// nickIndex is each name's groups.
var nickIndex = func() map[string][]int {
	m := map[string][]int{}
	for g, names := range nickGroups {
		for _, n := range names {
			m[n] = append(m[n], g)
		}
	}
	return m
}()

// nicknames says whether the first given names of a and b are forms of one
// name.
func nicknames(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	for _, g := range nickIndex[a[0]] {
		for _, h := range nickIndex[b[0]] {
			if g == h {
				return true
			}
		}
	}
	return false
}
