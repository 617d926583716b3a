// Command bootstrap is the intake function. On AWS Lambda (runtime
// provided.al2023, where AWS_LAMBDA_RUNTIME_API is set) it answers
// payload 2.0 events (a Function URL's, or, in production, the HTTP API's
// behind CloudFront: see build/template.yaml) until SIGTERM; anywhere
// else it serves the same handler over HTTP
// on 127.0.0.1:$PORT (default 8081), with the stylesheet and script its
// pages use, so it can be tried without the site.
//
// It takes its offices, settings and texts from those built in, or from
// the folder INTAKE_CONTENT_DIR names (for tests and previews); the rest
// of its configuration is in the environment too (see package function).
//
// Build it for Lambda with -tags lambda.norpc (see `make package`).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Lambda's minimal image may lack the zone files; staff read Swedish time

	awslambda "github.com/aws/aws-lambda-go/lambda"

	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/lambda"
	"familjeratt.example/portal/site/chrome"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bootstrap:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	// Start-up reads every office and certificate and parses the
	// templates: a burst of short-lived allocations that, from the
	// runtime's small first heap goal, costs a dozen collections (with
	// 290 offices about 25 ms of a 65 ms cold start, measured by
	// BenchmarkColdStartNational). Until the first answer, collect only
	// past a bound well under Lambda's 256 MB; then as usual. GOGC, when
	// set, is left alone.
	restore := func() {}
	if getenv("GOGC") == "" {
		old, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(64<<20)
		var once sync.Once
		restore = func() { once.Do(func() { debug.SetGCPercent(old); debug.SetMemoryLimit(limit) }) }
	}
	defer restore()
	fn, err := function.New(getenv, function.Options{Logger: logger})
	if err == nil {
		defer fn.Close()
	}
	if api := getenv("AWS_LAMBDA_RUNTIME_API"); api != "" {
		if err != nil {
			reportInitError(api, err)
			return err
		}
		return serveLambda(ctx, fn, restore)
	}
	if err != nil {
		return err
	}

	port := getenv("PORT")
	if port == "" {
		port = "8081"
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", fn)
	mux.Handle("/", chrome.WithSecurityHeaders(fn.Chrome.Assets))
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "intake function on http://%s/api/ (not on Lambda: AWS_LAMBDA_RUNTIME_API is not set)\n", ln.Addr())
	// The same limits as the site's local server (site/server), for the
	// same reasons: slow clients are held off, slow parents are not.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// serveLambda answers invocations until ctx ends (SIGTERM or SIGINT), then
// returns, so the process exits 0. lambda.Start itself never returns: it
// exits the process when the Runtime API fails, and Lambda then starts a
// new one. An invocation in flight is finished before serveLambda returns,
// and its context is not cancelled by the signal: only the invocation's
// deadline ends it, so a delivery under way is never cut short.
func serveLambda(ctx context.Context, f *function.Function, started func()) error {
	var inflight sync.RWMutex
	fn := lambda.Dispatch(f, lambda.Events{
		SNS: func(ctx context.Context, msgs [][]byte) error {
			for _, m := range msgs {
				if err := f.SESNotice(ctx, m); err != nil {
					return err
				}
			}
			return nil
		},
		Scheduled: func(ctx context.Context) error { _, err := f.Sweep(ctx); return err },
		Statistics: func(ctx context.Context) error {
			_, err := f.YearlyStatistics(ctx, f.LastClosedYear())
			return err
		},
	})
	handler := func(ctx context.Context, ev json.RawMessage) (any, error) {
		inflight.RLock()
		defer inflight.RUnlock()
		defer started() // the first answer is out: collect as usual
		return fn(ctx, ev)
	}
	go awslambda.StartWithOptions(handler, awslambda.WithContext(context.WithoutCancel(ctx)))
	<-ctx.Done()
	inflight.Lock() // waits for the invocation in flight; none starts after it
	return nil
}

// reportInitError tells Lambda why the function could not start (a bad
// INTAKE_INBOXES, say), so the reason shows as the invocation's error and
// not only as "Runtime exited". The message names configuration, never a
// parent's data: no request has been read yet.
func reportInitError(api string, err error) {
	body, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "Runtime.ConfigError"})
	req, rerr := http.NewRequest(http.MethodPost, "http://"+api+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
	if rerr != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.ConfigError")
	client := &http.Client{Timeout: 2 * time.Second}
	if res, rerr := client.Do(req); rerr == nil {
		res.Body.Close()
	}
}
