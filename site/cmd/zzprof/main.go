package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"familjeratt.example/portal/site"
)

func main() {
	b := site.NewBuilder(site.Options{Content: os.DirFS("/tmp/synth"), Out: "/tmp/synthout"})
	if _, err := b.Build(context.Background()); err != nil {
		panic(err)
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("live heap after build: %.1f MiB; total alloc %.0f MiB; sys %.1f MiB; numGC %d\n", float64(m.HeapAlloc)/(1<<20), float64(m.TotalAlloc)/(1<<20), float64(m.Sys)/(1<<20), m.NumGC)
	h, _ := os.Create("/tmp/heap.prof")
	pprof.WriteHeapProfile(h)
	runtime.KeepAlive(b)
}
