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
	// Trie with sparse children first.
	type node struct {
		next map[uint8]int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for ti, t := range terms {
		s := int32(0)
		for i := 0; i < len(t); i++ {
			c := a.class[t[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, int32(ti))
	}
	n := len(nodes)
	a.delta = make([]int32, n*a.nclass)
	a.out = make([][]int32, n)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < a.nclass; c++ {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			a.delta[c] = nx
			queue = append(queue, nx)
		}
	}
	a.out[0] = nodes[0].out
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		out := nodes[s].out
		if len(a.out[f]) > 0 {
			out = append(append([]int32(nil), out...), a.out[f]...)
		}
		a.out[s] = out
		for c := 0; c < a.nclass; c++ {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				a.delta[int(s)*a.nclass+c] = nx
				fail[nx] = a.delta[int(f)*a.nclass+c]
				queue = append(queue, nx)
			} else {
				a.delta[int(s)*a.nclass+c] = a.delta[int(f)*a.nclass+c]
			}
		}
	}
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
