// Command worldmap builds internal/web/ui/static/world.svg, the country outlines the UI's
// map of places is drawn on (no tile server can be reached from an analyst's desk, and the
// page's Content-Security-Policy forbids other origins anyway). The outlines are Natural
// Earth's 1:110m countries (public domain) as TopoJSON in the npm package world-atlas
// (ISC licence).
//
// The projection is equirectangular in degrees, so the UI places a point with
// x = lon + 180, y = 90 - lat and zooms with the SVG viewBox alone. Antarctica is left out
// and the file's viewBox spans latitudes 84 to -58 (see Top and Bottom).
//
// Regenerate with:
//
//	(cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
//	go run ./tools/worldmap -in /tmp/package/countries-110m.json -out internal/web/ui/static/world.svg
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strconv"
)

// The latitudes the map spans: the northernmost land of the 1:110m outlines (Greenland,
// 83.6°N) to below Tierra del Fuego (55.6°S).
const (
	Top    = 84.0
	Bottom = -58.0
)

// antarctica is the ISO 3166-1 numeric code of the one outline left out: no news is placed
// there that a dot on its coast would show better than a word.
const antarctica = "010"

func main() {
	in := flag.String("in", "", "world-atlas countries-110m.json (TopoJSON)")
	out := flag.String("out", "internal/web/ui/static/world.svg", "output SVG")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("reading the TopoJSON: %w", err)
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return fmt.Errorf("decoding %s: %w", in, err)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("creating the SVG: %w", err)
	}
	w := bufio.NewWriter(f)
	if err := writeSVG(w, &topo); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return f.Close()
}

// topology is the part of a TopoJSON file (https://github.com/topojson/topojson-specification)
// this generator reads: quantized, delta-encoded arcs and a collection of polygons.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []geometry `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

type geometry struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

type point [2]float64 // lon, lat

// decodeArcs undoes the quantization and delta encoding of every arc.
func (t *topology) decodeArcs() [][]point {
	out := make([][]point, len(t.Arcs))
	sc, tr := t.Transform.Scale, t.Transform.Translate
	for i, arc := range t.Arcs {
		var x, y float64
		pts := make([]point, len(arc))
		for j, d := range arc {
			x, y = x+d[0], y+d[1]
			pts[j] = point{x*sc[0] + tr[0], y*sc[1] + tr[1]}
		}
		out[i] = pts
	}
	return out
}

// ring joins the arcs of one ring; a negative index ^i is arc i reversed. Each arc after
// the first starts where the last ended, so its first point is dropped.
func ring(arcs [][]point, idx []int) []point {
	var out []point
	for k, i := range idx {
		var pts []point
		if i >= 0 {
			pts = arcs[i]
		} else {
			src := arcs[^i]
			pts = make([]point, len(src))
			for j := range src {
				pts[j] = src[len(src)-1-j]
			}
		}
		if k > 0 && len(pts) > 0 {
			pts = pts[1:]
		}
		out = append(out, pts...)
	}
	return out
}

// polygons reads a geometry's arcs as a list of polygons, each a list of rings.
func (g geometry) polygons() ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, fmt.Errorf("decoding the arcs of %s: %w", g.Properties.Name, err)
		}
		return [][][]int{p}, nil
	case "MultiPolygon":
		var mp [][][]int
		if err := json.Unmarshal(g.Arcs, &mp); err != nil {
			return nil, fmt.Errorf("decoding the arcs of %s: %w", g.Properties.Name, err)
		}
		return mp, nil
	}
	return nil, nil // a country without an outline at this scale
}

func writeSVG(w io.Writer, t *topology) error {
	arcs := t.decodeArcs()
	// Presentation attributes rather than a <style>: the page's CSP forbids inline styles,
	// and the UI dims the image with CSS opacity to suit light and dark themes.
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 %s 360 %s" fill="#a3acb6" stroke="#6f7a86" stroke-width="0.12" stroke-linejoin="round">`+"\n",
		num(90-Top), num(Top-Bottom))
	fmt.Fprintln(w, "<!-- Natural Earth 1:110m countries (public domain) via world-atlas 2.0.2 (ISC); made by tools/worldmap. x = lon+180, y = 90-lat. -->")
	for _, g := range t.Objects.Countries.Geometries {
		if g.ID == antarctica {
			continue
		}
		polys, err := g.polygons()
		if err != nil {
			return err
		}
		d := pathData(arcs, polys)
		if d == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "<path d=\"%s\"/>\n", d); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "</svg>")
	return err
}

// pathData writes the rings as SVG path data in relative moves, rounded to 0.01° (about a
// kilometre, finer than the 1:110m outlines): absolute positions are rounded first and the
// steps taken between the rounded values, so rounding errors do not add up along a coast.
func pathData(arcs [][]point, polys [][][]int) string {
	var b []byte
	var px, py int64 // the pen, in hundredths of a degree
	for _, poly := range polys {
		for _, idx := range poly {
			for _, pts := range unwrap(ring(arcs, idx)) {
				b, px, py = appendRing(b, pts, px, py)
			}
		}
	}
	return string(b)
}

// unwrap makes a ring that crosses the antimeridian (Fiji, Chukotka) continuous, its
// longitudes running past ±180 instead of jumping across the map, and returns it with a
// copy shifted a turn back, so each side shows its part; the viewBox clips the rest.
func unwrap(pts []point) [][]point {
	out := make([]point, len(pts))
	shift, outside := 0.0, 0.0
	for i, p := range pts {
		if i > 0 {
			switch d := p[0] + shift - out[i-1][0]; {
			case d > 180:
				shift -= 360
			case d < -180:
				shift += 360
			}
		}
		out[i] = point{p[0] + shift, p[1]}
		if out[i][0] > 180 {
			outside = -360
		} else if out[i][0] < -180 {
			outside = 360
		}
	}
	if outside == 0 {
		return [][]point{out}
	}
	copied := make([]point, len(out))
	for i, p := range out {
		copied[i] = point{p[0] + outside, p[1]}
	}
	return [][]point{out, copied}
}

// appendRing writes one closed ring from the pen at (px, py) and returns where the pen is.
func appendRing(b []byte, pts []point, px, py int64) ([]byte, int64, int64) {
	if len(pts) < 4 {
		return b, px, py
	}
	start := true
	var sx, sy int64
	for _, p := range pts[:len(pts)-1] { // the last point repeats the first: z closes
		x, y := int64(math.Round((p[0]+180)*100)), int64(math.Round((90-p[1])*100))
		if !start && x == px && y == py {
			continue
		}
		if start {
			b = append(b, 'm') // the pairs after a moveto are linetos
			sx, sy = x, y
		}
		b = appendStep(b, x-px, !start)
		b = appendStep(b, y-py, true)
		px, py = x, y
		start = false
	}
	return append(b, 'z'), sx, sy // z puts the pen back at the ring's start
}

// appendStep writes a coordinate in hundredths as a decimal, with the separator path
// data needs before it (none before a minus sign).
func appendStep(b []byte, v int64, sep bool) []byte {
	if sep && v >= 0 {
		b = append(b, ' ')
	}
	return append(b, num(float64(v)/100)...)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
