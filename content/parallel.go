package content

import (
	"runtime"
	"sync"
)

// inParallel calls do(i) for every i in [0, n), on one goroutine per CPU.
// Loading parses many independent files (pages, offices, the texts of
// each language); parsing them side by side shortens a build's and the
// function's start on a machine with more than one CPU. do must write
// only to its own index's results.
func inParallel(n int, do func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			do(i)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
