package policy

import "slices"

// automaton is an Aho-Corasick matcher over bytes with a full transition
// table on a reduced byte alphabet: scanning costs one table look-up per
// byte, whatever the number of terms.
type automaton struct {
	class   [256]uint8 // byte → class; class 0 is "in no term"
	nclass  int
	delta   []int32  // state*nclass + class → state
	delta16 []uint16 // the same table when states fit 16 bits (half the cache)
	// offsets: delta16 holds, instead of a state s, its row's offset
	// s*nclass with the low bit set when s is final (nclass is even): the
	// scan then needs no multiply and no look-up of final.
	offsets  bool
	out      [][]int32 // state → term indices ending here (incl. via failure links)
	final    []bool    // state → len(out[state]) > 0, for the scan loop
	patterns []string
}

func buildAutomaton(terms []string) *automaton {
	a := &automaton{patterns: terms}
	used := [256]bool{}
	for _, t := range terms {
		for i := 0; i < len(t); i++ {
			used[t[i]] = true
		}
	}
	a.nclass = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			a.class[b] = uint8(a.nclass)
			a.nclass++
		}
	}
	if a.nclass%2 == 1 {
		a.nclass++ // a class no byte has, so that row offsets are even
	}
	if a.nclass > 256 {
		// Cannot happen: at most 256 byte values, class 0 shared.
		panic("policy: too many byte classes")
	}
	if n := trieNodes(terms); n <= 1<<16 {
		a.delta16 = buildTable[uint16](a, terms, n)
	} else {
		a.delta = buildTable[int32](a, terms, n)
	}
	a.final = make([]bool, len(a.out))
	for s, o := range a.out {
		a.final[s] = len(o) > 0
	}
	if a.delta16 != nil && len(a.delta16) < 1<<16 {
		nc := uint16(a.nclass)
		for i, s := range a.delta16 {
			v := s * nc
			if a.final[s] {
				v |= 1
			}
			a.delta16[i] = v
		}
		a.offsets = true
	}
	return a
}

// buildTable builds the transition table of terms' n states with states
// numbered breadth-first, and sets a.out in the same numbering.
func buildTable[T uint16 | int32](a *automaton, terms []string, n int) []T {
	// Trie in the dense table itself: a 0 entry is "no child" (the root
	// is nobody's child), filled with failure transitions below.
	nc := a.nclass
	delta := make([]T, nc, nc*n)
	termOut := make([][]int32, 1, n) // state → terms ending exactly here
	for ti, t := range terms {
		s := T(0)
		for i := 0; i < len(t); i++ {
			c := int(a.class[t[i]])
			nx := delta[int(s)*nc+c]
			if nx == 0 {
				nx = T(len(termOut))
				termOut = append(termOut, nil)
				delta = append(delta, make([]T, nc)...)
				delta[int(s)*nc+c] = nx
			}
			s = nx
		}
		termOut[s] = append(termOut[s], int32(ti))
	}
	n = len(termOut)
	out := make([][]int32, n)
	fail := make([]T, n)
	queue := make([]T, 0, n)
	for c := 0; c < nc; c++ {
		if nx := delta[c]; nx != 0 {
			queue = append(queue, nx)
		}
	}
	out[0] = termOut[0]
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		o := termOut[s]
		if len(out[f]) > 0 {
			o = append(append([]int32(nil), o...), out[f]...)
		}
		out[s] = o
		row, frow := delta[int(s)*nc:int(s)*nc+nc], delta[int(f)*nc:int(f)*nc+nc]
		for c := 0; c < nc; c++ {
			if nx := row[c]; nx != 0 {
				fail[nx] = frow[c]
				queue = append(queue, nx)
			} else {
				row[c] = frow[c]
			}
		}
	}
	// Number the states in breadth-first order: the root and the shallow
	// states, where a scan spends most bytes, share a few cache lines.
	order := make([]T, n) // old state → new state
	for i, s := range queue {
		order[s] = T(i + 1)
	}
	a.out = make([][]int32, n)
	for old, o := range out {
		a.out[order[old]] = o
	}
	for i, s := range delta {
		delta[i] = order[s]
	}
	// Move the rows to their new places in the same table, one cycle of
	// the permutation at a time.
	moved := make([]bool, n)
	carry, spare := make([]T, nc), make([]T, nc)
	for start := range n {
		if moved[start] {
			continue
		}
		copy(carry, delta[start*nc:start*nc+nc])
		for cur := start; !moved[cur]; {
			moved[cur] = true
			dst := int(order[cur])
			row := delta[dst*nc : dst*nc+nc]
			copy(spare, row)
			copy(row, carry)
			carry, spare = spare, carry
			cur = dst
		}
	}
	return delta
}

// trieNodes is the number of states of the trie of terms (the root and
// one per distinct prefix), so its table is allocated once at its size.
func trieNodes(terms []string) int {
	sorted := slices.Clone(terms)
	slices.Sort(sorted)
	n, prev := 1, ""
	for _, t := range sorted {
		common := 0
		for common < len(t) && common < len(prev) && t[common] == prev[common] {
			common++
		}
		n += len(t) - common
		prev = t
	}
	return n
}

// scan calls hit(term, end) for every occurrence of every term in b, end
// being the byte offset just after the occurrence.
func (a *automaton) scan(b []byte, hit func(term int32, end int)) {
	if a == nil || len(a.patterns) == 0 {
		return
	}
	final, class := a.final, &a.class
	if d16 := a.delta16; a.offsets {
		s, nc := uint32(0), uint32(a.nclass)
		for i, c := range b {
			s = uint32(d16[s&^1+uint32(class[c])])
			if s&1 != 0 {
				for _, t := range a.out[s/nc] { // s/nc: the state (the low bit is below nc)
					hit(t, i+1)
				}
			}
		}
		return
	}
	if d16 := a.delta16; d16 != nil {
		s, nc := uint32(0), uint32(a.nclass)
		for i, c := range b {
			s = uint32(d16[s*nc+uint32(class[c])])
			if final[s] {
				for _, t := range a.out[s] {
					hit(t, i+1)
				}
			}
		}
		return
	}
	s := int32(0)
	nc := int32(a.nclass)
	delta := a.delta
	for i, c := range b {
		s = delta[s*nc+int32(class[c])]
		if final[s] {
			for _, t := range a.out[s] {
				hit(t, i+1)
			}
		}
	}
}
