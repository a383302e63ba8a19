package main

import (
	"strings"
	"testing"
)

// A square of two arcs, the second used reversed, in a quantized, delta-encoded topology;
// and a ring crossing the antimeridian, drawn on both sides.
func TestPathData(t *testing.T) {
	topo := topology{Arcs: [][][2]float64{
		{{0, 0}, {10, 0}, {0, 10}}, // (0,0) → (10,0) → (10,10)
		{{0, 0}, {0, 10}, {10, 0}}, // (0,0) → (0,10) → (10,10), used reversed
		{{0, 0}, {20, 0}, {0, 10}}, // the crossing ring, in scaled units
		{{20, 10}, {-20, 0}, {0, -10}},
	}}
	topo.Transform.Scale = [2]float64{1, 1}
	topo.Transform.Translate = [2]float64{0, 0}
	arcs := topo.decodeArcs()
	square := pathData(arcs, [][][]int{{{0, ^1}}})
	// x = lon+180, y = 90-lat: (0,0) is (180,90); then right 10, up 10, left 10.
	if want := "m180 90 10 0 0-10-10 0z"; square != want {
		t.Errorf("square: %q, want %q", square, want)
	}

	topo.Transform.Translate = [2]float64{170, 0} // lon 170 to 190, which is -170
	arcs = topo.decodeArcs()
	for i := range arcs[2] {
		if arcs[2][i][0] > 180 {
			arcs[2][i][0] -= 360
		}
	}
	for i := range arcs[3] {
		if arcs[3][i][0] > 180 {
			arcs[3][i][0] -= 360
		}
	}
	d := pathData(arcs, [][][]int{{{2, 3}}})
	if strings.Count(d, "m") != 2 || strings.Contains(d, "340") {
		t.Errorf("antimeridian ring: %q, want two rings of 20° each, none across the map", d)
	}
}
