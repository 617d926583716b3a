// Command bootstrap is the intake function. On AWS Lambda (runtime
// provided.al2023, where AWS_LAMBDA_RUNTIME_API is set) it answers
// Function URL events; anywhere else it serves the same handler over HTTP
// on 127.0.0.1:$PORT (default 8081), with the stylesheet and script its
// pages use, so it can be tried without the site.
//
// Build it for Lambda with -tags lambda.norpc (see `make package`).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // Lambda's minimal image may lack the zone files; staff read Swedish time

	"github.com/aws/aws-lambda-go/lambda"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
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
	data, err := content.Load(content.Files)
	if err != nil {
		return err
	}
	c, err := chrome.New(data.Strings, data.Settings)
	if err != nil {
		return err
	}
	cfg, err := intake.ConfigFromEnv(getenv, data, c, logger)
	if err != nil {
		return err
	}
	h, err := intake.NewHandler(cfg)
	if err != nil {
		return err
	}
	if getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.StartWithOptions(intake.LambdaHandler(h), lambda.WithContext(ctx))
		return nil
	}

	port := getenv("PORT")
	if port == "" {
		port = "8081"
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", h)
	mux.Handle("/", chrome.WithSecurityHeaders(c.Assets))
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "intake function on http://%s/api/ (not on Lambda: AWS_LAMBDA_RUNTIME_API is not set)\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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
