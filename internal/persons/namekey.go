package persons

import (
	"slices"
	"strings"
)

// NameKey is a phonetic key of one word of a name, so that spellings said
// alike share it: Mohammed, Muhammad and Mohamed (MHMT); Jon and John
// (JN); Smith and Smyth (SMT); Catherine, Katherine and Kathryn (KTRN);
// Khan and Kahn (KN). It is a small Metaphone for the names met in
// British casework: consonants by sound (ph = f, soft c = s, soft g = j,
// sh and ch = X, th = t, v = f, q = k, x = ks), vowels dropped but for a
// leading one (A), h and w kept only where sounded, silent first letters
// (kn, gn, pn, wr, ps) dropped, and a sound repeated kept once. Accented
// Latin letters are read without their accents; a word with no Latin
// letter is its own key, lower-cased, so it is found only as written.
func NameKey(word string) string {
	s := foldLatin(strings.ToLower(word))
	if s == "" {
		if w := strings.ToLower(strings.TrimSpace(word)); w != "" && strings.IndexFunc(w, isSpace) < 0 {
			return w
		}
		return ""
	}
	for _, p := range []string{"kn", "gn", "pn", "wr", "ps"} {
		if strings.HasPrefix(s, p) {
			s = s[1:]
			break
		}
	}
	at := func(i int) byte {
		if i < 0 || i >= len(s) {
			return 0
		}
		return s[i]
	}
	var out []byte
	emit := func(codes string) {
		for i := 0; i < len(codes); i++ {
			if n := len(out); n == 0 || out[n-1] != codes[i] {
				out = append(out, codes[i])
			}
		}
	}
	for i := 0; i < len(s); i++ {
		c, prev, next := s[i], at(i-1), at(i+1)
		if c == prev && c != 'c' {
			continue // a doubled letter is one sound
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			if i == 0 {
				emit("A")
			}
		case 'y':
			if vowel(next) {
				emit("Y")
			} else if i == 0 {
				emit("A")
			}
		case 'b':
			if !(prev == 'm' && i == len(s)-1) { // Lamb
				emit("B")
			}
		case 'c':
			switch {
			case next == 'h' && (prev == 's' || i == 0 && !vowel(at(i+2)) && at(i+2) != 0): // Schmidt, Christopher
				emit("K")
				i++
			case next == 'h':
				emit("X")
				i++
			case next == 'i' && at(i+2) == 'a':
				emit("X")
			case next == 'e' || next == 'i' || next == 'y':
				if prev != 's' { // Scene: the s says it
					emit("S")
				}
			default:
				emit("K")
			}
		case 'd':
			if next == 'g' && soft(at(i+2)) {
				emit("J")
				i++
			} else {
				emit("T")
			}
		case 'g':
			switch {
			case next == 'h':
				if i == 0 {
					emit("K")
				}
				i++ // Hugh, Leigh, Haigh: silent within a name
			case next == 'n' && (i+2 == len(s) || s[i+2:] == "ed"):
				// Benign, resigned
			case soft(next):
				emit("J")
			default:
				emit("K")
			}
		case 'h':
			if (i == 0 || vowel(prev)) && vowel(next) {
				emit("H")
			}
		case 'j':
			emit("J")
		case 'k':
			if prev != 'c' {
				emit("K")
			}
		case 'p':
			switch {
			case next == 'h':
				emit("F")
				i++
			case prev == 'm' && (next == 's' || next == 't'): // Thompson, Simpson's p is barely said
			default:
				emit("P")
			}
		case 'q':
			emit("K")
		case 's':
			switch {
			case next == 'h':
				emit("X")
				i++
			case next == 'i' && (at(i+2) == 'o' || at(i+2) == 'a'):
				emit("X")
			default:
				emit("S")
			}
		case 't':
			switch {
			case next == 'i' && (at(i+2) == 'o' || at(i+2) == 'a'):
				emit("X")
			case next == 'c' && at(i+2) == 'h': // Fletcher: the ch says it
			case next == 'h':
				emit("T")
				i++
			default:
				emit("T")
			}
		case 'v', 'f':
			emit("F")
		case 'w':
			if vowel(next) {
				emit("W")
			}
		case 'x':
			if i == 0 {
				emit("S")
			} else {
				emit("KS")
			}
		case 'z':
			emit("S")
		case 'l', 'm', 'n', 'r':
			emit(strings.ToUpper(string(c)))
		}
	}
	if len(out) == 0 { // a name of vowels alone: "Ai", "Eo"
		return "A"
	}
	return string(out)
}

func vowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' }

func soft(c byte) bool { return c == 'e' || c == 'i' || c == 'y' }

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// latinFold reads accented Latin letters as their plain ones.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e",
	'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o",
	'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
	'ł': "l", 'ś': "s", 'š': "s", 'ź': "z", 'ż': "z", 'ž': "z", 'č': "c", 'ć': "c", 'ń': "n", 'ř': "r",
	'ğ': "g", 'ı': "i", 'ş': "s", 'œ': "oe",
}

// foldLatin keeps a lower-case word's Latin letters a to z, accents read
// off; everything else (digits, marks, other scripts) is dropped.
func foldLatin(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case latinFold[r] != "":
			b.WriteString(latinFold[r])
		}
	}
	return b.String()
}

// NameForms are the other forms of a given name that are one name to
// those who bear it (Jon and John, Bill and William): the nickname
// groups the matcher compares by. None for a name in no group.
func NameForms(word string) []string {
	w := strings.ToLower(word)
	var out []string
	for _, g := range nickIndex[w] {
		for _, n := range nickGroups[g] {
			if n != w && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// Similarity is the Jaro-Winkler similarity of two words (0 to 1), as the
// matcher compares names: for ranking a name's variants by spelling.
func Similarity(a, b string) float64 { return jaroWinkler(a, b) }
