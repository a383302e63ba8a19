package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Report is what a bench run measured. Durations of the baselines are wall time; CPU is
// the whole process's CPU time over the same span, where it was measured.
type Report struct {
	Mode     string        `json:"mode"`
	Feeds    int           `json:"feeds"`
	Items    int           `json:"items_per_feed"`
	Articles int           `json:"articles"`
	Searches int           `json:"saved_searches"`
	Spread   time.Duration `json:"spread_ns"`
	Interval time.Duration `json:"poll_interval_ns"`
	Cores    int           `json:"cores"`
	// LoadBefore and LoadDuring are /proc/loadavg before the run and as it ended.
	LoadBefore string `json:"load_before"`
	LoadDuring string `json:"load_during"`

	// Searchable counts the articles the search API found; Elapsed runs from the first
	// release to the last of them found.
	Searchable     int           `json:"searchable"`
	Enriched       int           `json:"enriched"`
	Elapsed        time.Duration `json:"elapsed_ns"`
	ArticlesPerSec float64       `json:"articles_per_second"`
	// ToSearchable: from an article's release on its feed to the search API finding it.
	// ToEnriched: from release to its enriched record (poll, raw topic, enrichment).
	ToSearchable Percentiles `json:"to_searchable"`
	ToEnriched   Percentiles `json:"to_enriched"`
	// Alerted counts articles the catch-all search's webhook received (Deliveries counts
	// every request, repeats included); AlertLatency runs from the enriched record's
	// timestamp to the webhook request's arrival.
	Alerted      int         `json:"alerted"`
	Deliveries   int         `json:"deliveries"`
	AlertLatency Percentiles `json:"alert_latency"`
	// Memory is what the process held from wirewatch's start to the last article
	// searchable, with the bench's own share apart (the baselines run after it).
	Memory Memory `json:"memory"`
	// CPUPerArticle is the process's CPU time from the first release to the last article
	// found, divided by the articles.
	CPUPerArticle time.Duration `json:"cpu_per_article_ns"`
	// StageSeconds is, per stage, the time its batches took (wirewatch_batch_seconds_sum;
	// "poll" is wirewatch_ingest_fetch_seconds_sum), wall time with the waits on Kafka and
	// the index in it; StageCount the messages (or fetches) behind it.
	StageSeconds map[string]float64 `json:"stage_seconds"`
	StageCount   map[string]float64 `json:"stage_count"`
	// StageCPU is the process's CPU time over the same span as CPUPerArticle, split by the
	// stage whose goroutines spent it (a CPU profile's stage labels; see cpuByStage):
	// poll, process, index, alert, serve (the search API), broker (the embedded Kafka),
	// wirewatch (the shared Kafka client), gc, bench (the bench's feeds, webhook and
	// lookups) and other.
	StageCPU map[string]time.Duration `json:"stage_cpu_ns,omitempty"`
	Unknown  int                      `json:"unknown_ids"`
	// Missing names the articles never found searchable (at most 20, then how many more):
	// feed, GUID, the word looked up and how far each went.
	Missing []string `json:"missing,omitempty"`

	BusProduce *Throughput `json:"bus_produce,omitempty"`
	BusConsume *Throughput `json:"bus_consume,omitempty"`
	RawProduce *Throughput `json:"raw_produce,omitempty"`
	RawConsume *Throughput `json:"raw_consume,omitempty"`
	// The bus's produce and consume rates as fractions of kafka-go's: the median over
	// BusRounds rounds of each round's ratio (bus.Comparison.Ratios). The four Throughputs
	// above are each side's median round.
	BusRatioProduce float64     `json:"bus_ratio_produce,omitempty"`
	BusRatioConsume float64     `json:"bus_ratio_consume,omitempty"`
	BusRounds       int         `json:"bus_rounds,omitempty"`
	RawBleve        *Throughput `json:"raw_bleve,omitempty"`
	RawPoll         *Throughput `json:"raw_poll,omitempty"`
}

// Percentiles of a set of latencies (nearest rank).
type Percentiles struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(float64(len(ds))*p+0.999999) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return Percentiles{N: len(ds), P50: rank(0.50), P99: rank(0.99), Max: ds[len(ds)-1]}
}

// Throughput is one baseline measurement.
type Throughput struct {
	Label string        `json:"label"`
	Count int           `json:"count"`
	Unit  string        `json:"unit"`
	Bytes int64         `json:"bytes,omitempty"`
	Wall  time.Duration `json:"wall_ns"`
	CPU   time.Duration `json:"cpu_ns,omitempty"`
}

// PerSecond is Count per wall second.
func (t *Throughput) PerSecond() float64 { return float64(t.Count) / max(t.Wall.Seconds(), 1e-9) }

// fill computes the report's figures from what the tracker saw.
func (r *Report) fill(t *tracker, began, end time.Time, cpu time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r.Cores = runtime.NumCPU()
	r.Searchable = countSet(t.visibleAt)
	r.Enriched = countSet(t.enrichedAt)
	r.Alerted = countSet(t.alertAt)
	r.Deliveries = t.alerts
	r.Unknown = t.unknown
	r.Missing = t.missing(maxMissing)
	var last time.Time
	var toSearch, toEnrich, toAlert []time.Duration
	for i := range t.release {
		if v := t.visibleAt[i]; !v.IsZero() {
			toSearch = append(toSearch, v.Sub(t.release[i]))
			if v.After(last) {
				last = v
			}
		}
		if e := t.enrichedAt[i]; !e.IsZero() {
			toEnrich = append(toEnrich, e.Sub(t.release[i]))
			if a := t.alertAt[i]; !a.IsZero() {
				toAlert = append(toAlert, a.Sub(e))
			}
		}
	}
	if last.IsZero() {
		last = end
	}
	r.Elapsed = last.Sub(began)
	r.ArticlesPerSec = float64(r.Searchable) / max(r.Elapsed.Seconds(), 1e-9)
	r.ToSearchable = percentiles(toSearch)
	r.ToEnriched = percentiles(toEnrich)
	r.AlertLatency = percentiles(toAlert)
	if r.Articles > 0 {
		r.CPUPerArticle = cpu / time.Duration(r.Articles)
	}
}

// stageMetrics reads the stages' batch times from the running wirewatch's /metrics.
func (r *Report) stageMetrics(ctx context.Context, apiAddr string) {
	r.StageSeconds, r.StageCount = map[string]float64{}, map[string]float64{}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+apiAddr+"/metrics", nil)
	if err != nil {
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, labels, value, ok := metricLine(sc.Text())
		if !ok {
			continue
		}
		switch name {
		case "wirewatch_batch_seconds_sum":
			r.StageSeconds[labels] += value
		case "wirewatch_messages_consumed_total":
			r.StageCount[labels] += value
		case "wirewatch_ingest_fetch_seconds_sum":
			r.StageSeconds["poll"] += value
		case "wirewatch_ingest_fetch_seconds_count":
			r.StageCount["poll"] += value
		}
	}
}

// metricLine splits a Prometheus text line `name{stage="x",...} value` into the name, the
// stage label's value and the value.
func metricLine(line string) (name, stage string, value float64, ok bool) {
	if strings.HasPrefix(line, "#") {
		return "", "", 0, false
	}
	sp := strings.LastIndexByte(line, ' ')
	if sp < 0 {
		return "", "", 0, false
	}
	v, err := strconv.ParseFloat(line[sp+1:], 64)
	if err != nil {
		return "", "", 0, false
	}
	name = line[:sp]
	if i := strings.IndexByte(name, '{'); i >= 0 {
		labels := name[i:]
		name = name[:i]
		if _, after, found := strings.Cut(labels, `stage="`); found {
			stage, _, _ = strings.Cut(after, `"`)
		}
	}
	return name, stage, v, true
}

// Print writes the report as tables.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "wirewatch bench (%s): %d feeds × %d items = %d articles (en/fr/ru, ~3 KB), %d saved searches, poll every %s, released over %s\n",
		r.Mode, r.Feeds, r.Items, r.Articles, r.Searches, r.Interval, r.Spread)
	fmt.Fprintf(tw, "machine: %d cores; load average before %s, at the end %s\n\n", r.Cores, r.LoadBefore, r.LoadDuring)
	fmt.Fprintln(tw, "END TO END\tVALUE\t")
	fmt.Fprintf(tw, "articles searchable\t%d of %d (%d enriched)\t\n", r.Searchable, r.Articles, r.Enriched)
	for _, m := range r.Missing {
		fmt.Fprintf(tw, "  never found\t%s\t\n", m)
	}
	fmt.Fprintf(tw, "articles/s end to end\t%.1f\t(first release → last searchable: %s)\n", r.ArticlesPerSec, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(tw, "release → enriched p50 / p99\t%s / %s\t\n", ms(r.ToEnriched.P50), ms(r.ToEnriched.P99))
	fmt.Fprintf(tw, "release → searchable p50 / p99\t%s / %s\t(max %s)\n", ms(r.ToSearchable.P50), ms(r.ToSearchable.P99), ms(r.ToSearchable.Max))
	fmt.Fprintf(tw, "alert latency p50 / p99\t%s / %s\t(enriched record → webhook; %d articles alerted, %d deliveries)\n",
		ms(r.AlertLatency.P50), ms(r.AlertLatency.P99), r.Alerted, r.Deliveries)
	r.Memory.print(tw)
	fmt.Fprintf(tw, "CPU per article\t%s\t(process CPU time / articles)\n", ms(r.CPUPerArticle))
	cpuStages := make([]string, 0, len(r.StageCPU))
	var cpuTotal time.Duration
	for s, d := range r.StageCPU {
		cpuStages = append(cpuStages, s)
		cpuTotal += d
	}
	sort.Slice(cpuStages, func(i, j int) bool { return r.StageCPU[cpuStages[i]] > r.StageCPU[cpuStages[j]] })
	for _, s := range cpuStages {
		d := r.StageCPU[s]
		fmt.Fprintf(tw, "CPU per article: %s\t%s\t(%.2f CPU-s, %.0f%% of the profiled CPU)\n",
			s, ms(d/time.Duration(max(1, r.Articles))), d.Seconds(), 100*d.Seconds()/max(cpuTotal.Seconds(), 1e-9))
	}
	stages := make([]string, 0, len(r.StageSeconds))
	for s := range r.StageSeconds {
		stages = append(stages, s)
	}
	sort.Strings(stages)
	for _, s := range stages {
		per := "-"
		if n := r.StageCount[s]; n > 0 {
			per = ms(time.Duration(r.StageSeconds[s] / n * float64(time.Second)))
		}
		fmt.Fprintf(tw, "stage %s: batch time per message\t%s\t(%.1f s over %.0f; wall time, waits included)\n", s, per, r.StageSeconds[s], r.StageCount[s])
	}
	if base := []*Throughput{r.BusProduce, r.RawProduce, r.BusConsume, r.RawConsume, r.RawBleve, r.RawPoll}; slices.ContainsFunc(base, func(t *Throughput) bool { return t != nil }) {
		fmt.Fprintln(tw, "\nBASELINES (same run, same messages)\tRATE\t")
		for _, t := range base {
			if t == nil {
				continue
			}
			extra := ""
			if t.Bytes > 0 {
				extra = fmt.Sprintf(", %.1f MB/s", float64(t.Bytes)/(1<<20)/max(t.Wall.Seconds(), 1e-9))
			}
			if t.CPU > 0 {
				extra += fmt.Sprintf(", %.0f %s per CPU-second", float64(t.Count)/t.CPU.Seconds(), t.Unit)
			}
			fmt.Fprintf(tw, "%s\t%.0f %s/s\t(%d in %s%s)\n", t.Label, t.PerSecond(), t.Unit, t.Count, t.Wall.Round(time.Millisecond), extra)
		}
		if r.BusRounds > 0 {
			fmt.Fprintf(tw, "bus ÷ raw kafka-go\tproduce %.2f×, consume %.2f×\t(median of %d rounds' ratios, sides taking turns going first)\n",
				r.BusRatioProduce, r.BusRatioConsume, r.BusRounds)
		}
	}
	return tw.Flush()
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond: // CPU per article lives here: keep its digits
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the first three fields of /proc/loadavg, "?" where there is none.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
