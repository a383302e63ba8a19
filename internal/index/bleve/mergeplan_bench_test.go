package bleve

import (
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// BenchmarkMergePlan replays Bleve's merge planner on an index that grows by batches of
// 50 and 500 articles (the indexing stage's default) to 1M, the merger keeping up, and
// reports how many times each article has been merged (rewritten into a new segment) by
// 4k, 10k, 100k and 1M articles, and the most segments the index held, for Bleve's
// default floor (2,000) and mergeFloor. Merging is CPU the indexer pays after Write
// returns; these counts, unlike a timed run, do not depend on when the run stops.
func BenchmarkMergePlan(b *testing.B) {
	for _, batch := range []int64{50, 500} {
		for _, floor := range []int64{mergeplan.DefaultMergePlanOptions.FloorSegmentSize, mergeFloor} {
			b.Run(fmt.Sprintf("batch%d-floor%d", batch, floor), func(b *testing.B) {
				o := mergeplan.DefaultMergePlanOptions
				o.FloorSegmentSize = floor
				for range b.N {
					replayMerges(b, batch, &o)
				}
			})
		}
	}
}

func replayMerges(b *testing.B, batch int64, o *mergeplan.MergePlanOptions) {
	var segs []mergeplan.Segment
	var id, merged, total int64
	most := 0
	for total < 1_000_000 {
		id++
		segs = append(segs, planSegment{id, batch})
		total += batch
		for {
			p, err := mergeplan.Plan(segs, o)
			if err != nil {
				b.Fatal(err)
			}
			if p == nil || len(p.Tasks) == 0 {
				break
			}
			for _, task := range p.Tasks {
				var n int64
				gone := map[uint64]bool{}
				for _, s := range task.Segments {
					n += s.LiveSize()
					gone[s.Id()] = true
				}
				kept := segs[:0]
				for _, s := range segs {
					if !gone[s.Id()] {
						kept = append(kept, s)
					}
				}
				id++
				segs = append(kept, planSegment{id, n})
				merged += n
			}
		}
		most = max(most, len(segs))
		switch total {
		case 4000, 10_000, 100_000, 1_000_000:
			b.ReportMetric(float64(merged)/float64(total), fmt.Sprintf("merges/doc@%dk", total/1000))
		}
	}
	b.ReportMetric(float64(most), "max-segments")
}

// planSegment is a segment of n live articles, none deleted, as the planner sees it.
type planSegment struct{ id, n int64 }

func (s planSegment) Id() uint64          { return uint64(s.id) }
func (s planSegment) FullSize() int64     { return s.n }
func (s planSegment) LiveSize() int64     { return s.n }
func (s planSegment) HasVector() bool     { return false }
func (s planSegment) FileSize() int64     { return s.n * 12_500 }
func (s planSegment) LiveFileSize() int64 { return s.n * 12_500 }
