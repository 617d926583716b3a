package main

import (
	"context"
	"log/slog"
	"net/http"

	"familjeratt.example/portal/site"
)

// intake returns the intake function's handler, to mount under /api/, and
// the forms the site publishes.
func intake(ctx context.Context, getenv func(string) string, logger *slog.Logger) (http.Handler, []site.Form, error) {
	return nil, nil, nil
}
