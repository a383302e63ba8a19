package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// articleIndex is the cross-feed article index (article ID → articleRecord) as sorted,
// immutable run files in a directory of its own. A flush writes its records as one new run,
// sequentially; runs of like size are merged, so a record is rewritten about log2(index /
// flush) times, in order, where a B-tree (bbolt, the earlier form) rewrote a random page
// for every insert once the index outgrew a flush: 16 µs of CPU a record, and every page it
// touched held in the process's mapped memory. A lookup tests each run's Bloom filter and
// reads the one block the run's in-memory block index names with pread, so the file's
// pages stay in the OS page cache, outside the process.
//
// Memory: per run, its block index (28 bytes per 4 KiB block) and its Bloom filter (10
// bits a record): about 1.5 MB per million records. Losing the records not yet flushed in
// a crash costs at most a republish, which the sinks absorb (see committer).
//
// Safe for concurrent use: lookups read while a flush or a merge writes; one writer at a
// time.
type articleIndex struct {
	dir string
	wmu sync.Mutex // one writer (save, prune, close) at a time

	mu     sync.RWMutex // guards runs and closed; readers hold it while they read runs
	runs   []*indexRun  // oldest first: on equal keys the later run wins
	next   uint64       // sequence number of the next run
	closed bool
}

var errIndexClosed = errors.New("article index closed")

const (
	indexBlockSize = 4 << 10
	indexMagic     = "wwartix1"
	indexFooterLen = 8 + 4 + 4 + len(indexMagic) // meta offset, meta length, meta CRC, magic
	bloomBitsPer   = 10
	bloomProbes    = 7
)

// indexRun is one run file: its records sorted by key, in blocks of about indexBlockSize,
// each with its CRC; then the meta section (record count, first-seen bounds, block index,
// Bloom filter); then the footer that locates and checks the meta section.
type indexRun struct {
	f      *os.File
	path   string
	lo, hi uint64 // the sequence numbers of the flushes it holds
	size   int64
	count  int
	// minSeen and maxSeen bound the records' FirstSeen (Unix seconds), for pruning.
	minSeen, maxSeen int64
	first            []idKey  // first key of each block
	offs             []uint64 // block offsets, and the end of the data after the last
	crcs             []uint32
	bloom            []uint64
}

// openArticleIndex opens (creating) the index in dir. legacy names the bbolt file of the
// earlier form: when it exists its records become the first run and the file is removed.
func openArticleIndex(dir, legacy string) (*articleIndex, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating article index directory: %w", err)
	}
	x := &articleIndex{dir: dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing article index %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			os.Remove(filepath.Join(dir, name)) // a write a crash cut short
			continue
		}
		var lo, hi uint64
		if n, _ := fmt.Sscanf(name, "%016x-%016x.run", &lo, &hi); n != 2 {
			continue
		}
		r, err := openRun(filepath.Join(dir, name), lo, hi)
		if err != nil {
			x.closeRuns()
			return nil, err
		}
		x.runs = append(x.runs, r)
	}
	x.dropCovered()
	for _, r := range x.runs {
		x.next = max(x.next, r.hi+1)
	}
	if err := x.migrate(legacy); err != nil {
		x.closeRuns()
		return nil, err
	}
	return x, nil
}

// dropCovered removes the runs a merge took in but a crash left behind: those whose
// sequence range lies within another run's.
func (x *articleIndex) dropCovered() {
	sort.Slice(x.runs, func(i, j int) bool {
		a, b := x.runs[i], x.runs[j]
		return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
	})
	var kept []*indexRun
	for _, r := range x.runs {
		// Two files never share a range: each name is its range.
		covered := slices.ContainsFunc(x.runs, func(o *indexRun) bool {
			return o != r && o.lo <= r.lo && r.hi <= o.hi
		})
		if covered {
			r.f.Close()
			os.Remove(r.path)
			continue
		}
		kept = append(kept, r)
	}
	x.runs = kept
}

// migrate turns the bbolt article index of the earlier form into the first run, then
// removes it; its keys come out of bbolt in order already.
func (x *articleIndex) migrate(legacy string) error {
	if legacy == "" {
		return nil
	}
	if _, err := os.Stat(legacy); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := bolt.Open(legacy, 0o600, &bolt.Options{Timeout: 2 * time.Second, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("opening old article index %s: %w", legacy, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		if b == nil {
			return nil
		}
		w, err := x.newRunWriter(b.Stats().KeyN)
		if err != nil {
			return err
		}
		err = b.ForEach(func(k, v []byte) error {
			if len(k) != len(idKey{}) {
				return nil
			}
			return w.add(idKey(k), v)
		})
		if err != nil {
			w.abort()
			return err
		}
		r, err := w.finish(x.next, x.next)
		if err != nil {
			return err
		}
		x.runs = append(x.runs, r)
		x.next++
		return nil
	})
	if err != nil {
		return fmt.Errorf("moving old article index %s: %w", legacy, err)
	}
	db.Close()
	if err := os.Remove(legacy); err != nil {
		return fmt.Errorf("removing old article index %s: %w", legacy, err)
	}
	return nil
}

func (x *articleIndex) close() error {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	return x.closeRuns()
}

func (x *articleIndex) closeRuns() error {
	var errs []error
	for _, r := range x.runs {
		errs = append(errs, r.f.Close())
	}
	x.runs = nil
	return errors.Join(errs...)
}

// lookup adds to out the stored records of ids (sorted) that exist and out lacks yet.
func (x *articleIndex) lookup(ids []idKey, out map[idKey]*articleRecord) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return errIndexClosed
	}
	var buf []byte
	var errs []error
	for i := len(x.runs) - 1; i >= 0; i-- {
		r := x.runs[i]
		cached := -1
		for _, id := range ids {
			if _, ok := out[id]; ok || !r.mayHold(id) {
				continue
			}
			b := r.blockOf(id)
			if b < 0 {
				continue
			}
			if b != cached {
				var err error
				if buf, err = r.readBlock(b, buf); err != nil {
					// A damaged block only costs a republish of what it held.
					errs = append(errs, err)
					cached = -1
					continue
				}
				cached = b
			}
			if v := findInBlock(buf, id); v != nil {
				if rec, err := unmarshalArticleRecord(v); err == nil {
					out[id] = rec
				}
			}
		}
	}
	return errors.Join(errs...)
}

// save writes arts as a new run, then merges the newest runs while the one before the
// last is no more than twice the last's size.
func (x *articleIndex) save(arts map[idKey]*articleRecord) error {
	if len(arts) == 0 {
		return nil
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if x.isClosed() {
		return errIndexClosed
	}
	keys := make([]idKey, 0, len(arts))
	for k := range arts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	w, err := x.newRunWriter(len(keys))
	if err != nil {
		return err
	}
	var v []byte
	for _, k := range keys {
		v = arts[k].appendTo(v[:0])
		if err := w.add(k, v); err != nil {
			w.abort()
			return err
		}
	}
	r, err := w.finish(x.next, x.next)
	if err != nil {
		return err
	}
	x.next++
	x.swap(nil, r)
	for {
		runs := x.snapshot()
		n := len(runs)
		if n < 2 || runs[n-2].size > 2*runs[n-1].size {
			return nil
		}
		if _, err := x.merge(runs[n-2:], math.MinInt64); err != nil {
			return err
		}
	}
}

// prune drops the records first seen before cutoff, merging every run into one when any
// holds such a record. It returns how many it dropped.
func (x *articleIndex) prune(cutoff time.Time) (int, error) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if x.isClosed() {
		return 0, nil
	}
	runs := x.snapshot()
	if !slices.ContainsFunc(runs, func(r *indexRun) bool { return r.minSeen < cutoff.Unix() }) {
		return 0, nil
	}
	return x.merge(runs, cutoff.Unix())
}

func (x *articleIndex) isClosed() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.closed
}

func (x *articleIndex) snapshot() []*indexRun {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.runs)
}

// swap replaces old (a run of consecutive runs, or none) with r, once no lookup reads
// them, and removes their files. The caller holds wmu.
func (x *articleIndex) swap(old []*indexRun, r *indexRun) {
	x.mu.Lock()
	if len(old) == 0 {
		x.runs = append(x.runs, r)
	} else {
		i := slices.Index(x.runs, old[0])
		x.runs = slices.Replace(x.runs, i, i+len(old), r)
	}
	x.mu.Unlock()
	for _, o := range old {
		o.f.Close()
		os.Remove(o.path)
	}
}

// merge writes the records of runs (consecutive, oldest first) as one run, the newest
// version of each, without those first seen before cutoff (Unix seconds), and puts it in
// their place. It returns how many records it dropped for their age. The caller holds wmu.
func (x *articleIndex) merge(runs []*indexRun, cutoff int64) (int, error) {
	n := 0
	lo, hi := runs[0].lo, runs[0].hi
	for _, r := range runs {
		n += r.count
		lo, hi = min(lo, r.lo), max(hi, r.hi)
	}
	w, err := x.newRunWriter(n)
	if err != nil {
		return 0, err
	}
	its := make([]*runIter, len(runs))
	for i, r := range runs {
		its[i] = &runIter{r: r}
		its[i].next()
	}
	dropped := 0
	for {
		// The smallest key; on a tie the newest run's version, the others skipped.
		best := -1
		for i, it := range its {
			if !it.ok {
				continue
			}
			if best < 0 || compareKeys(it.key, its[best].key) <= 0 {
				best = i
			}
		}
		if best < 0 {
			break
		}
		k, v := its[best].key, its[best].val
		if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) < cutoff {
			dropped++
		} else if err := w.add(k, v); err != nil {
			w.abort()
			return 0, err
		}
		for _, it := range its {
			if it.ok && it.key == k {
				it.next()
			}
		}
	}
	r, err := w.finish(lo, hi)
	if err != nil {
		return 0, err
	}
	x.swap(runs, r)
	return dropped, nil
}

// runWriter writes a run file under a temporary name until finish.
type runWriter struct {
	f        *os.File
	w        *bufio.Writer
	path     string
	off      uint64
	block    []byte
	run      indexRun
	bloomLen uint64 // bits
}

func (x *articleIndex) newRunWriter(expected int) (*runWriter, error) {
	f, err := os.CreateTemp(x.dir, "run-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating article index run: %w", err)
	}
	words := max((expected*bloomBitsPer+63)/64, 1)
	return &runWriter{
		f: f, w: bufio.NewWriterSize(f, 64<<10), path: f.Name(),
		block:    make([]byte, 0, indexBlockSize+512),
		run:      indexRun{bloom: make([]uint64, words), minSeen: math.MaxInt64, maxSeen: math.MinInt64},
		bloomLen: uint64(words) * 64,
	}, nil
}

// add appends a record; keys come in increasing order.
func (w *runWriter) add(k idKey, v []byte) error {
	if len(w.block) > 0 && len(w.block)+len(k)+binary.MaxVarintLen32+len(v) > indexBlockSize {
		if err := w.endBlock(); err != nil {
			return err
		}
	}
	if len(w.block) == 0 {
		w.run.first = append(w.run.first, k)
		w.run.offs = append(w.run.offs, w.off)
	}
	w.block = append(w.block, k[:]...)
	w.block = binary.AppendUvarint(w.block, uint64(len(v)))
	w.block = append(w.block, v...)
	w.run.count++
	for _, bit := range bloomBits(k, w.bloomLen) {
		w.run.bloom[bit/64] |= 1 << (bit % 64)
	}
	if len(v) >= 8 {
		seen := int64(binary.BigEndian.Uint64(v))
		w.run.minSeen, w.run.maxSeen = min(w.run.minSeen, seen), max(w.run.maxSeen, seen)
	}
	return nil
}

func (w *runWriter) endBlock() error {
	if len(w.block) == 0 {
		return nil
	}
	w.run.crcs = append(w.run.crcs, crc32.ChecksumIEEE(w.block))
	if _, err := w.w.Write(w.block); err != nil {
		return fmt.Errorf("writing article index run: %w", err)
	}
	w.off += uint64(len(w.block))
	w.block = w.block[:0]
	return nil
}

// finish writes the meta section and the footer, makes the file durable under its name
// for the sequence range lo..hi, and opens it for reading.
func (w *runWriter) finish(lo, hi uint64) (*indexRun, error) {
	err := w.endBlock()
	if err == nil {
		r := &w.run
		r.offs = append(r.offs, w.off)
		meta := binary.BigEndian.AppendUint64(nil, uint64(r.count))
		meta = binary.BigEndian.AppendUint64(meta, uint64(r.minSeen))
		meta = binary.BigEndian.AppendUint64(meta, uint64(r.maxSeen))
		meta = binary.BigEndian.AppendUint32(meta, uint32(len(r.first)))
		for i, k := range r.first {
			meta = append(meta, k[:]...)
			meta = binary.BigEndian.AppendUint64(meta, r.offs[i])
			meta = binary.BigEndian.AppendUint32(meta, r.crcs[i])
		}
		meta = binary.BigEndian.AppendUint64(meta, w.off)
		meta = binary.BigEndian.AppendUint32(meta, uint32(len(r.bloom)))
		for _, word := range r.bloom {
			meta = binary.BigEndian.AppendUint64(meta, word)
		}
		footer := binary.BigEndian.AppendUint64(nil, w.off)
		footer = binary.BigEndian.AppendUint32(footer, uint32(len(meta)))
		footer = binary.BigEndian.AppendUint32(footer, crc32.ChecksumIEEE(meta))
		footer = append(footer, indexMagic...)
		_, err = w.w.Write(meta)
		if err == nil {
			_, err = w.w.Write(footer)
		}
	}
	if err == nil {
		err = w.w.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	final := filepath.Join(filepath.Dir(w.path), fmt.Sprintf("%016x-%016x.run", lo, hi))
	if err == nil {
		err = os.Rename(w.path, final)
	}
	if err == nil {
		err = syncDir(filepath.Dir(final))
	}
	if err != nil {
		os.Remove(w.path)
		return nil, fmt.Errorf("writing article index run: %w", err)
	}
	return openRun(final, lo, hi)
}

func (w *runWriter) abort() {
	w.f.Close()
	os.Remove(w.path)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// openRun reads a run's footer and meta section; its blocks are read when looked up.
func openRun(path string, lo, hi uint64) (*indexRun, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening article index run: %w", err)
	}
	r, err := readRunMeta(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading article index run %s: %w", path, err)
	}
	r.f, r.path, r.lo, r.hi = f, path, lo, hi
	return r, nil
}

var errRunDamaged = errors.New("damaged run")

func readRunMeta(f *os.File) (*indexRun, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	footer := make([]byte, indexFooterLen)
	if size < int64(indexFooterLen) {
		return nil, errRunDamaged
	}
	if _, err := f.ReadAt(footer, size-int64(indexFooterLen)); err != nil {
		return nil, err
	}
	metaOff, metaLen := binary.BigEndian.Uint64(footer), int64(binary.BigEndian.Uint32(footer[8:]))
	if string(footer[16:]) != indexMagic || int64(metaOff)+metaLen != size-int64(indexFooterLen) {
		return nil, errRunDamaged
	}
	meta := make([]byte, metaLen)
	if _, err := f.ReadAt(meta, int64(metaOff)); err != nil {
		return nil, err
	}
	if crc32.ChecksumIEEE(meta) != binary.BigEndian.Uint32(footer[12:]) {
		return nil, errRunDamaged
	}
	r := &indexRun{size: size}
	rd := &metaReader{b: meta}
	r.count = int(rd.u64())
	r.minSeen, r.maxSeen = int64(rd.u64()), int64(rd.u64())
	blocks := int(rd.u32())
	if blocks > len(meta)/28 {
		return nil, errRunDamaged
	}
	r.first, r.offs, r.crcs = make([]idKey, blocks), make([]uint64, blocks+1), make([]uint32, blocks)
	for i := range blocks {
		r.first[i] = idKey(rd.next(16))
		r.offs[i] = rd.u64()
		r.crcs[i] = rd.u32()
	}
	r.offs[blocks] = rd.u64()
	words := int(rd.u32())
	if words > len(meta)/8 {
		return nil, errRunDamaged
	}
	r.bloom = make([]uint64, words)
	for i := range r.bloom {
		r.bloom[i] = rd.u64()
	}
	if rd.short || words == 0 {
		return nil, errRunDamaged
	}
	return r, nil
}

// metaReader reads big-endian fields, noting when the input runs out.
type metaReader struct {
	b     []byte
	short bool
}

func (m *metaReader) next(n int) []byte {
	if len(m.b) < n {
		m.short, m.b = true, nil
		return make([]byte, n)
	}
	out := m.b[:n]
	m.b = m.b[n:]
	return out
}

func (m *metaReader) u64() uint64 { return binary.BigEndian.Uint64(m.next(8)) }
func (m *metaReader) u32() uint32 { return binary.BigEndian.Uint32(m.next(4)) }

// bloomBits are the filter bits of k among n. The keys are hashes already, so their
// halves serve as the two hashes of double hashing.
func bloomBits(k idKey, n uint64) [bloomProbes]uint64 {
	h1, h2 := binary.LittleEndian.Uint64(k[:8]), binary.LittleEndian.Uint64(k[8:])|1
	var out [bloomProbes]uint64
	for i := range out {
		out[i] = (h1 + uint64(i)*h2) % n
	}
	return out
}

func (r *indexRun) mayHold(k idKey) bool {
	for _, bit := range bloomBits(k, uint64(len(r.bloom))*64) {
		if r.bloom[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return true
}

// blockOf returns the block that would hold k, or -1 when k sorts before the first.
func (r *indexRun) blockOf(k idKey) int {
	return sort.Search(len(r.first), func(i int) bool { return compareKeys(r.first[i], k) > 0 }) - 1
}

// readBlock reads block i into buf, checking its CRC.
func (r *indexRun) readBlock(i int, buf []byte) ([]byte, error) {
	n := int(r.offs[i+1] - r.offs[i])
	if n < 0 || n > 1<<30 {
		return buf, fmt.Errorf("reading article index %s block %d: %w", r.path, i, errRunDamaged)
	}
	buf = slices.Grow(buf[:0], n)[:n]
	if _, err := r.f.ReadAt(buf, int64(r.offs[i])); err != nil && !errors.Is(err, io.EOF) {
		return buf, fmt.Errorf("reading article index %s block %d: %w", r.path, i, err)
	}
	if crc32.ChecksumIEEE(buf) != r.crcs[i] {
		return buf, fmt.Errorf("reading article index %s block %d: %w", r.path, i, errRunDamaged)
	}
	return buf, nil
}

// eachInBlock calls fn for every record of a block, in order, until fn returns false; it
// reports whether the block parsed to its end.
func eachInBlock(b []byte, fn func(k idKey, v []byte) bool) bool {
	for len(b) > 0 {
		if len(b) < len(idKey{}) {
			return false
		}
		k := idKey(b[:16])
		n, size := binary.Uvarint(b[16:])
		if size <= 0 || uint64(len(b)-16-size) < n {
			return false
		}
		v := b[16+size : 16+size+int(n)]
		b = b[16+size+int(n):]
		if !fn(k, v) {
			return true
		}
	}
	return true
}

func findInBlock(b []byte, k idKey) []byte {
	var found []byte
	eachInBlock(b, func(key idKey, v []byte) bool {
		switch c := bytes.Compare(key[:], k[:]); {
		case c == 0:
			found = v
			return false
		case c > 0:
			return false
		}
		return true
	})
	return found
}

// runIter walks a run's records in key order, skipping blocks it cannot read (their
// records cost at most a republish).
type runIter struct {
	r     *indexRun
	block int
	buf   []byte
	recs  []blockRec
	pos   int
	ok    bool
	key   idKey
	val   []byte
}

type blockRec struct {
	key idKey
	val []byte
}

func (it *runIter) next() {
	for it.pos >= len(it.recs) {
		if it.block >= len(it.r.first) {
			it.ok = false
			return
		}
		var err error
		it.recs, it.pos = it.recs[:0], 0
		it.buf, err = it.r.readBlock(it.block, it.buf)
		it.block++
		if err == nil {
			eachInBlock(it.buf, func(k idKey, v []byte) bool {
				it.recs = append(it.recs, blockRec{k, v})
				return true
			})
		}
	}
	it.key, it.val, it.ok = it.recs[it.pos].key, it.recs[it.pos].val, true
	it.pos++
}

// check reads every run through, for tests and repairs: each block parses and checks, and
// keys increase within each run.
func (x *articleIndex) check() error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var errs []error
	for _, r := range x.runs {
		it := &runIter{r: r}
		n := 0
		var prev *idKey
		for b := range r.first {
			buf, err := r.readBlock(b, it.buf)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			it.buf = buf
			if !eachInBlock(buf, func(k idKey, _ []byte) bool {
				if prev != nil && compareKeys(*prev, k) >= 0 {
					errs = append(errs, fmt.Errorf("article index %s: key %s out of order", r.path, k))
				}
				prev = &k
				n++
				return true
			}) {
				errs = append(errs, fmt.Errorf("article index %s block %d: %w", r.path, b, errRunDamaged))
			}
		}
		if n != r.count {
			errs = append(errs, fmt.Errorf("article index %s: %d records, meta says %d", r.path, n, r.count))
		}
	}
	return errors.Join(errs...)
}
