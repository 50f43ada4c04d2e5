// tlogbench times the Go reference implementation of RFC 6962 trees
// (golang.org/x/mod/sumdb/tlog) on the work accord's tlog crate does, so
// that bench/tlog-vs-go.sh can report the two side by side as ratios.
//
//	tlogbench -n 1000000 -proofs 100000
//
// prints one JSON object: nanoseconds per leaf to build the tree from
// entries, and per inclusion / consistency proof from the stored hashes
// (in memory) and from tiles (in memory, through tlog.TileHashReader).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

// memTiles serves tiles computed from the stored hashes and caches nothing
// beyond them: the reference TileHashReader authenticates what it reads.
type memTiles struct {
	hashes memHashes
	cache  map[tlog.Tile][]byte
}

func (m *memTiles) Height() int { return 8 }
func (m *memTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if d, ok := m.cache[t]; ok {
			out[i] = d
			continue
		}
		d, err := tlog.ReadTileData(t, m.hashes)
		if err != nil {
			return nil, err
		}
		m.cache[t] = d
		out[i] = d
	}
	return out, nil
}
func (m *memTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func entry(i int64) []byte { return []byte(fmt.Sprintf("entry %d", i)) }

// dirTiles reads C2SP tiles from a log directory (tile/<L>/x001/234[.p/W]),
// falling back to the full tile for a missing partial one, as tlogcheck
// does. With cache, tiles handed to SaveTiles (those authenticated by the
// TileHashReader) are kept in memory.
type dirTiles struct {
	dir   string
	cache map[tlog.Tile][]byte
}

func c2spPath(t tlog.Tile) string {
	p := t.Path()
	parts := strings.SplitN(p, "/", 4)
	return "tile/" + parts[2] + "/" + parts[3]
}

func (d *dirTiles) Height() int { return 8 }
func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if b, ok := d.cache[t]; ok {
			out[i] = b
			continue
		}
		b, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil && t.W < 256 {
			full := t
			full.W = 256
			b, err = os.ReadFile(filepath.Join(d.dir, c2spPath(full)))
			if err == nil {
				b = b[:t.W*32]
			}
		}
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
func (d *dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	if d.cache == nil {
		return
	}
	for i, t := range tiles {
		d.cache[t] = data[i]
	}
}

// dirMode times inclusion proofs from the tiles of a log directory.
func dirMode(dir string, proofs int) {
	raw, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		panic(err)
	}
	lines := strings.Split(string(raw), "\n")
	n, _ := strconv.ParseInt(lines[1], 10, 64)
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		panic(err)
	}
	tree := tlog.Tree{N: n, Hash: root}
	idx := func(k int) int64 { return int64((uint64(k)*2654435761 + 12345) % uint64(n)) }

	start := time.Now()
	for k := 0; k < proofs; k++ {
		r := tlog.TileHashReader(tree, &dirTiles{dir: dir})
		if _, err := tlog.ProveRecord(n, idx(k), r); err != nil {
			panic(err)
		}
	}
	cold := time.Since(start)

	warmTiles := &dirTiles{dir: dir, cache: map[tlog.Tile][]byte{}}
	r := tlog.TileHashReader(tree, warmTiles)
	for k := 0; k < proofs; k++ {
		if _, err := tlog.ProveRecord(n, idx(k), r); err != nil {
			panic(err)
		}
	}
	start = time.Now()
	for k := 0; k < proofs; k++ {
		if _, err := tlog.ProveRecord(n, idx(k), r); err != nil {
			panic(err)
		}
	}
	warm := time.Since(start)
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"impl":              "go x/mod/sumdb/tlog TileHashReader",
		"size":              n,
		"inclusion_cold_us": cold.Seconds() * 1e6 / float64(proofs),
		"inclusion_warm_us": warm.Seconds() * 1e6 / float64(proofs),
	})
}

func main() {
	n := flag.Int64("n", 1000000, "leaves")
	proofs := flag.Int("proofs", 100000, "proofs to time")
	dir := flag.String("dir", "", "time proofs from the tiles of this log directory instead")
	flag.Parse()
	if *dir != "" {
		dirMode(*dir, *proofs)
		return
	}

	start := time.Now()
	hashes := make(memHashes, 0, 2*(*n))
	for i := int64(0); i < *n; i++ {
		hs, err := tlog.StoredHashes(i, entry(i), hashes)
		if err != nil {
			panic(err)
		}
		hashes = append(hashes, hs...)
	}
	build := time.Since(start)
	root, err := tlog.TreeHash(*n, hashes)
	if err != nil {
		panic(err)
	}

	// The same pseudo-random indices as the Rust side.
	idx := func(k int) int64 { return int64((uint64(k)*2654435761 + 12345) % uint64(*n)) }

	start = time.Now()
	for k := 0; k < *proofs; k++ {
		if _, err := tlog.ProveRecord(*n, idx(k), hashes); err != nil {
			panic(err)
		}
	}
	inclMem := time.Since(start)

	start = time.Now()
	for k := 0; k < *proofs; k++ {
		old := idx(k) + 1
		if _, err := tlog.ProveTree(*n, old, hashes); err != nil {
			panic(err)
		}
	}
	consMem := time.Since(start)

	tr := tlog.TileHashReader(tlog.Tree{N: *n, Hash: root}, &memTiles{hashes: hashes, cache: map[tlog.Tile][]byte{}})
	start = time.Now()
	for k := 0; k < *proofs; k++ {
		if _, err := tlog.ProveRecord(*n, idx(k), tr); err != nil {
			panic(err)
		}
	}
	inclTiles := time.Since(start)

	p, _ := tlog.ProveRecord(*n, idx(7), hashes)
	start = time.Now()
	for k := 0; k < *proofs; k++ {
		if err := tlog.CheckRecord(p, *n, root, idx(7), hashes[tlog.StoredHashIndex(0, idx(7))]); err != nil {
			panic(err)
		}
	}
	check := time.Since(start)

	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"impl":                   "go x/mod/sumdb/tlog",
		"n":                      *n,
		"root":                   root.String(),
		"build_ns_per_leaf":      float64(build.Nanoseconds()) / float64(*n),
		"inclusion_mem_ns":       float64(inclMem.Nanoseconds()) / float64(*proofs),
		"consistency_mem_ns":     float64(consMem.Nanoseconds()) / float64(*proofs),
		"inclusion_tiles_ns":     float64(inclTiles.Nanoseconds()) / float64(*proofs),
		"verify_inclusion_ns":    float64(check.Nanoseconds()) / float64(*proofs),
	})
}
