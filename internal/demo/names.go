package demo

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
)

// Every name, place, phone number and vehicle here is invented. Phone
// numbers come from Ofcom's ranges reserved for drama: mobiles 07700
// 900000–900999, landlines below.

var officerFirst = []string{
	"Aaron", "Abigail", "Adam", "Aisha", "Alex", "Alice", "Amir", "Amy", "Andrew", "Anna", "Ben", "Beth",
	"Callum", "Carl", "Caroline", "Chloe", "Chris", "Claire", "Daniel", "David", "Dean", "Elaine", "Emma",
	"Farah", "Fiona", "Gareth", "Gemma", "Grace", "Hannah", "Harjit", "Helen", "Imran", "Jack", "James",
	"Jasmine", "Jo", "Karen", "Kate", "Kwame", "Laura", "Lee", "Lisa", "Lucy", "Mark", "Matt", "Megan",
	"Michelle", "Naomi", "Neil", "Nicola", "Owen", "Paul", "Priya", "Rachel", "Raj", "Rebecca", "Rhys",
	"Rob", "Ruth", "Sam", "Sana", "Sarah", "Sean", "Sophie", "Steve", "Tom", "Tunde", "Vicky", "Wes", "Zoe",
}

var surnames = []string{
	"Ahmed", "Ali", "Allen", "Appiah", "Baker", "Begum", "Bennett", "Brown", "Campbell", "Carter", "Chapman",
	"Clarke", "Cooper", "Davies", "Edwards", "Evans", "Fletcher", "Foster", "Green", "Griffiths", "Hall",
	"Harris", "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King",
	"Kowalski", "Lewis", "Lloyd", "Marshall", "Mensah", "Mitchell", "Moore", "Morgan", "Morris", "Murphy",
	"Nowak", "Okafor", "Owen", "Parker", "Patel", "Phillips", "Price", "Reid", "Roberts", "Robinson",
	"Shah", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward",
	"Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
}

var girlFirst = []string{
	"Aisha", "Amber", "Amelia", "Ava", "Bethany", "Caitlin", "Chantelle", "Chloe", "Courtney", "Demi",
	"Eliza", "Ella", "Emily", "Evie", "Freya", "Georgia", "Grace", "Hannah", "Holly", "Imogen", "Isla",
	"Jade", "Jasmine", "Jessica", "Kayleigh", "Keira", "Lacey", "Leah", "Lily", "Maisie", "Maryam", "Megan",
	"Mia", "Millie", "Molly", "Nadia", "Olivia", "Paige", "Poppy", "Ruby", "Sadia", "Shannon", "Sienna",
	"Skye", "Sophie", "Tia", "Tyler", "Zara",
}

var boyFirst = []string{
	"Adam", "Alfie", "Bilal", "Callum", "Charlie", "Connor", "Dylan", "Ethan", "Harvey", "Jayden", "Kai",
	"Kyle", "Liam", "Logan", "Mason", "Reece", "Riley", "Ryan", "Tyler", "Zain",
}

var adultFirst = []string{
	"Aamir", "Adil", "Andrzej", "Arif", "Asif", "Barry", "Carl", "Craig", "Darren", "Dean", "Ervin",
	"Faisal", "Gary", "Hamza", "Ian", "Jamie", "Jason", "Kamran", "Kevin", "Lee", "Marek", "Mark",
	"Mohammed", "Nathan", "Omar", "Paul", "Qasim", "Rashid", "Ricky", "Sajid", "Scott", "Shaun", "Stuart",
	"Tariq", "Tomasz", "Umar", "Wayne", "Yusuf", "Zahid",
}

// spellings are the variants a name is recorded under in another case:
// the reason the analyst matches on phone, vehicle and date of birth.
var spellings = map[string]string{
	"Mohammed": "Mohamed", "Mark": "Marc", "Shaun": "Sean", "Stuart": "Stewart", "Jamie": "Jaime",
	"Tomasz": "Tomas", "Yusuf": "Yousuf", "Rashid": "Rasheed", "Zahid": "Zaheed", "Ricky": "Rickie",
}

var parentFirst = []string{
	"Donna",
	"Karen",
	"Lisa",
	"Michelle",
	"Nasreen",
	"Sharon",
	"Tracey",
	"Claire",
	"Paul",
	"Shabana",
	"Joanne",
	"Kelly",
}

var nicknames = []string{
	"Taz",
	"Bigs",
	"Ace",
	"Jay",
	"Slim",
	"Boss",
	"Kez",
	"Zee",
	"Lucky",
	"Romeo",
	"Prince",
	"Smiler",
}

var towns = []string{"Eastbridge", "Northgate", "Millbrook", "Holtby", "Kingsmere", "Barrowfield", "Ashcombe", "Wexley"}

var streets = []string{
	"Albion Street", "Station Road", "Victoria Road", "Mill Lane", "Church Street", "Queens Parade",
	"Canal Walk", "Market Street", "Park Terrace", "Wellington Road", "Hope Street", "Brook Lane",
}

var premises = []string{
	"the Golden Fry takeaway", "the Star Cars taxi office", "the Riverside Hotel", "a shisha lounge on Market Street",
	"Kingsmere bus station", "the Palace Pizza takeaway", "a flat above the Market Street launderette",
	"the Canal Walk car wash", "the Station Road amusement arcade", "the Northgate retail park car park",
}

var cars = []string{
	"silver Vauxhall Insignia", "black BMW 3 Series", "white Ford Transit van", "grey Toyota Prius (private hire)",
	"blue Audi A3", "black Mercedes C-Class", "red Seat Leon", "white Skoda Octavia (private hire)",
}

var teamNames = [][]string{
	{"Public Protection", "CSE Team North", "CSE Team South"},
	{"Safeguarding and Online Harm", "Online Child Abuse Team", "Missing and Exploited Children Team"},
	{"Major Crime", "Major Investigation Team", "Complex Abuse Team"},
}

// teamWeight is each team's share of new referrals, in teamNames order.
var teamWeight = []int{24, 22, 14, 16, 8, 16}

// constables is each team's establishment of detective constables.
var constables = []int{8, 7, 5, 5, 6, 6}

var sources = []string{"MASH", "MASH", "MASH", "school", "parent", "social_care", "health", "police", "CEOP", "self"}

// offenceSets are the offence codes (internal/offence) a referral is
// recorded with: the CSE flag with the offence alleged, or a flag alone.
var offenceSets = [][]string{
	{"CSE"},
	{"CSE", "22B"},
	{"CSE", "88A"},
	{"CSE", "19E"},
	{"CSE", "71"},
	{"22B", "86"},
	{"CSE", "72"},
}

// referralTemplates are case summaries; %[1]d is the child's age, %[2]s
// "girl" or "boy", %[3]s a town, %[4]s a place, %[5]s a street.
var referralTemplates = []string{
	"MASH referral: %[1]d-year-old %[2]s missing from home three times in a month, seen getting into cars with older males near %[4]s",
	"School safeguarding lead: %[1]d-year-old %[2]s disclosed being given alcohol and cannabis at a flat on %[5]s, %[3]s, by adult men",
	"Parent reports %[1]d-year-old %[2]s receiving gifts and a new phone from an adult met online; sexual images requested",
	"Children's social care: %[1]d-year-old %[2]s in care found at %[4]s in %[3]s with two adult men at 02:00",
	"CEOP referral: adult grooming a %[1]d-year-old %[2]s from %[3]s on social media; a meeting was arranged",
	"Sexual health clinic: %[1]d-year-old %[2]s with an older 'boyfriend', repeat testing, will not name him",
	"Response officers found a %[1]d-year-old %[2]s in a private-hire car with an adult male during a missing episode in %[3]s",
	"%[1]d-year-old %[2]s disclosed to a youth worker being driven to parties in %[3]s and made to have sex with men",
	"Return-home interview: %[1]d-year-old %[2]s describes being taken to %[4]s and given vodka by men in their twenties",
	"Neighbour reports girls of about %[1]d visiting a flat on %[5]s, %[3]s, late at night; a %[2]s has been identified",
}

var planTemplates = []string{
	"Safeguard the child with children's social care; ABE interview; identify and arrest the suspect; devices and cell-site; CCTV and ANPR along the routes described; missing-episode history.",
	"Strategy discussion first. Secure the victim's account (ABE). Trace the vehicle and phone named in the referral; map associates; intelligence checks on the address.",
	"Victim-led: build trust through the ISVA before the ABE interview. Parallel: phone download, hotel and taxi enquiries, identify other children at the address.",
}

var directions = []string{
	"Obtain the taxi firm's booking records for the night of the last missing episode",
	"Speak to the school's safeguarding lead about the older 'boyfriend'",
	"Request cell-site analysis of the suspect's phone",
	"Check the address against other referrals and intelligence reports",
	"Trace the vehicle through ANPR for the dates the child was missing",
	"Identify the other girls seen at the address and make safeguarding referrals",
	"Obtain the hotel's guest register and card payments for the dates given",
	"Review the return-home interviews for names, places and phone numbers",
	"Submit the seized phone for a full download",
	"Re-visit house-to-house on the street where the child was dropped off",
}

var actionResults = map[string][]string{
	"abe_interview": {
		"ABE interview completed by a trained officer; account covers three incidents; disc exhibited.",
		"Video-recorded interview done with an intermediary; clear account of grooming and two assaults.",
	},
	"strategy_meeting": {
		"Strategy discussion held with children's social care and health; section 47 enquiry agreed; safety plan in place.",
		"Strategy meeting held; child subject to a child protection plan; school informed.",
	},
	"suspect_arrest": {
		"Suspect arrested and interviewed under caution; no comment; released on bail pending digital forensics.",
		"Arrest enquiries complete; see the suspect record for status and dates.",
	},
	"devices": {
		"Victim's phone downloaded; messages from two numbers of interest; suspect's handset submitted.",
		"Download complete; contact with the suspect's number on 40 occasions; images recovered.",
	},
	"cctv": {
		"CCTV seized from the retail park and the bus station; child seen with an adult male; stills circulated.",
		"CCTV overwritten after 28 days; nothing recoverable. Logged for the disclosure schedule.",
	},
	"hotels_taxis": {
		"Hotel register shows a room booked in a false name paid by a card linked to the suspect.",
		"Taxi firm records show four pick-ups from the child's address to the same takeaway.",
	},
	"missing_episodes": {
		"Eleven missing episodes in six months; return interviews name the same takeaway and a nickname.",
		"Missing-episode history reviewed; pattern of Friday-night episodes since the summer.",
	},
	"associates": {
		"Phone and vehicle shared with suspects on other cases; referred to the analyst.",
		"Associates identified: two adult males linked to the same address; intelligence submitted.",
	},
	"": {
		"Enquiry completed; result recorded and exhibits logged.",
		"Done: nothing further of evidential value; negative result recorded for disclosure.",
		"Completed; statement obtained and filed.",
	},
}

// actionOutcomes are how the results above ended where it was not
// "completed with a result": a negative result, or a referral on.
var actionOutcomes = map[string]domain.ActionOutcome{
	"CCTV overwritten after 28 days; nothing recoverable. Logged for the disclosure schedule.": domain.ActionNothing,
	"Done: nothing further of evidential value; negative result recorded for disclosure.":      domain.ActionNothing,
	"Phone and vehicle shared with suspects on other cases; referred to the analyst.":          domain.ActionReferredOn,
}

// resultOutcome is how a result above ended.
func resultOutcome(res string) domain.ActionOutcome {
	if o, ok := actionOutcomes[res]; ok {
		return o
	}
	return domain.ActionCompleted
}

// landlines are prefixes of Ofcom's drama landline ranges (each followed
// by three digits).
var landlines = []string{
	"0113 496 0",
	"0114 496 0",
	"0115 496 0",
	"0116 496 0",
	"0117 496 0",
	"0118 496 0",
	"0121 496 0",
	"0131 496 0",
	"0141 496 0",
	"0151 496 0",
	"0161 496 0",
	"020 7946 0",
	"0191 498 0",
	"01632 960",
}

func landline(r interface{ IntN(int) int }) string {
	return fmt.Sprintf("%s%03d", landlines[r.IntN(len(landlines))], r.IntN(1000))
}

var contactMethods = []string{
	"phone call to parent",
	"home visit",
	"via the ISVA",
	"text then phone call",
	"visit at school",
	"phone call to foster carer",
}
