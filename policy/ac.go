package policy

// automaton is an Aho-Corasick matcher over bytes with a full transition
// table on a reduced byte alphabet: scanning costs one table look-up per
// byte, whatever the number of terms.
type automaton struct {
	class    [256]uint8 // byte → class; class 0 is "in no term"
	nclass   int
	delta    []int32   // state*nclass + class → state
	delta16  []uint16  // the same table when states fit 16 bits (half the cache)
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
	if a.nclass > 256 {
		// Cannot happen: at most 256 byte values, class 0 shared.
		panic("policy: too many byte classes")
	}
	// Trie in the dense table itself: a 0 entry is "no child" (the root
	// is nobody's child), filled with failure transitions below.
	nc := a.nclass
	nodes := 1
	for _, t := range terms {
		nodes += len(t) // at most one state per term byte
	}
	delta := make([]int32, nc, nc*nodes)
	var termOut [][]int32 // state → terms ending exactly here
	termOut = append(termOut, nil)
	for ti, t := range terms {
		s := int32(0)
		for i := 0; i < len(t); i++ {
			c := int(a.class[t[i]])
			nx := delta[int(s)*nc+c]
			if nx == 0 {
				nx = int32(len(termOut))
				termOut = append(termOut, nil)
				delta = append(delta, make([]int32, nc)...)
				delta[int(s)*nc+c] = nx
			}
			s = nx
		}
		termOut[s] = append(termOut[s], int32(ti))
	}
	n := len(termOut)
	a.delta = delta
	a.out = make([][]int32, n)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < nc; c++ {
		if nx := delta[c]; nx != 0 {
			queue = append(queue, nx)
		}
	}
	a.out[0] = termOut[0]
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		out := termOut[s]
		if len(a.out[f]) > 0 {
			out = append(append([]int32(nil), out...), a.out[f]...)
		}
		a.out[s] = out
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
	order := make([]int32, n) // old state → new state
	order[0] = 0
	for i, s := range queue {
		order[s] = int32(i + 1)
	}
	renum := make([]int32, len(delta))
	outs := make([][]int32, n)
	for old := 0; old < n; old++ {
		nw := int(order[old])
		outs[nw] = a.out[old]
		for c := 0; c < nc; c++ {
			renum[nw*nc+c] = order[delta[old*nc+c]]
		}
	}
	a.delta, a.out = renum, outs
	if n <= 1<<16 {
		a.delta16 = make([]uint16, len(a.delta))
		for i, v := range a.delta {
			a.delta16[i] = uint16(v)
		}
	}
	a.final = make([]bool, n)
	for s, o := range a.out {
		a.final[s] = len(o) > 0
	}
	return a
}

// scan calls hit(term, end) for every occurrence of every term in b, end
// being the byte offset just after the occurrence.
func (a *automaton) scan(b []byte, hit func(term int32, end int)) {
	if a == nil || len(a.patterns) == 0 {
		return
	}
	final, class := a.final, &a.class
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
