package bleve

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
)

// BenchmarkBatchHeld reports the heap a Bleve batch of benchBatch enriched articles holds
// once analysed (what Bleve keeps until the batch's segment is built): the documents and
// their fields' term frequencies and locations, measured after a collection.
func BenchmarkBatchHeld(b *testing.B) {
	if os.Getenv("HELDPROF") != "" {
		runtime.MemProfileRate = 1
	}
	be := openTemp(b)
	docs := enrichedCorpus(b, benchBatch)
	var held uint64
	for range b.N {
		built := make([]*document.Document, 0, len(docs))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for _, a := range docs {
			d, err := be.bleveDocument(a, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range d.Fields {
				if f.Options().IsIndexed() { // as Bleve's scorch analyses
					f.Analyze()
				}
			}
			built = append(built, d)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held += after.HeapAlloc - before.HeapAlloc
		if fn := os.Getenv("HELDPROF"); fn != "" {
			f, _ := os.Create(fn)
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
		runtime.KeepAlive(built)
	}
	b.ReportMetric(float64(held)/float64(b.N*len(docs)), "held-B/doc")
}
