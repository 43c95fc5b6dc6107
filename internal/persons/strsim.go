package persons

// String similarity, written here rather than taken from go-edlib (the
// tests hold these to its results): edlib converts both strings to runes
// and allocates its tables on every call, twice for Jaro-Winkler, which
// made it three quarters of the time of a FEBRL run, in allocation. These
// read ASCII strings as bytes and keep short strings' tables on the stack.

// short is the longest string whose tables fit on the stack.
const short = 64

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// jaroWinkler is the Jaro-Winkler similarity of a and b, with the prefix
// bonus (0.1 a character, up to 4) applied at any Jaro similarity, as
// go-edlib does.
func jaroWinkler(a, b string) float64 {
	if ascii(a) && ascii(b) {
		return jaroWinklerOf([]byte(a), []byte(b))
	}
	return jaroWinklerOf([]rune(a), []rune(b))
}

func jaroWinklerOf[T byte | rune](a, b []T) float64 {
	j := jaroOf(a, b)
	if j == 0 || j == 1 {
		return j
	}
	p := 0
	for p < min(len(a), len(b), 4) && a[p] == b[p] {
		p++
	}
	return j + 0.1*float64(p)*(1-j)
}

func jaroOf[T byte | rune](a, b []T) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if equal(a, b) {
		return 1
	}
	// Which characters of each are matched, as bits: one word on the stack
	// for strings of up to 64 characters.
	var bufA, bufB [1]uint64
	ma, mb := bufA[:], bufB[:]
	if la > short {
		ma = make([]uint64, (la+63)/64)
	}
	if lb > short {
		mb = make([]uint64, (lb+63)/64)
	}
	window := max(la, lb)/2 - 1
	matches := 0
	for i := 0; i < la; i++ {
		ai := a[i]
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if b[j] == ai && mb[j>>6]&(1<<(j&63)) == 0 {
				ma[i>>6] |= 1 << (i & 63)
				mb[j>>6] |= 1 << (j & 63)
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if ma[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		for mb[k>>6]&(1<<(k&63)) == 0 {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(la) + m/float64(lb) + (m-float64(t)/2)/m) / 3
}

func equal[T byte | rune](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// osa is the optimal-string-alignment distance: insertions, deletions,
// substitutions and swaps of two adjacent characters, each counting one
// (Damerau-Levenshtein without editing one substring twice).
func osa(a, b string) int {
	if ascii(a) && ascii(b) {
		return osaOf([]byte(a), []byte(b))
	}
	return osaOf([]rune(a), []rune(b))
}

func osaOf[T byte | rune](a, b []T) int {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return max(la, lb)
	}
	// Three rows of the table: two back (for swaps), one back and this.
	var buf [3 * (short + 1)]int
	rows := buf[:]
	if lb > short {
		rows = make([]int, 3*(lb+1))
	}
	prev2, prev, cur := rows[0:lb+1], rows[lb+1:2*(lb+1)], rows[2*(lb+1):3*(lb+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}
