package delivery

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"familjeratt.example/portal/functions/delivery/mailtest"
)

// TestSMTPDeadline: the context's deadline (a Lambda invocation's) ends
// the send even when SendTimeout would allow more, and no retry starts
// after it.
func TestSMTPDeadline(t *testing.T) {
	m := mailtest.NewServer(t, mailtest.Options{
		OnData: func(int, *smtp.Conn, io.Reader) error {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "later"}
		}})
	tr := &SMTP{Addr: m.Addr, RootCAs: m.CA.Pool, ConnectTimeout: time.Second, SendTimeout: 3 * time.Second, RetryDelay: 2 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tr.Send(ctx, &Envelope{From: "noreply@familjeratt.example", To: []string{"malmo@familjeratt.example"}, Data: []byte("Subject: x\r\n\r\nx\r\n")})
	var de *DeliveryError
	if !errors.As(err, &de) || de.Kind() != "temporary" || time.Since(start) > time.Second {
		t.Errorf("got %v after %v; want the 451 within the deadline", err, time.Since(start))
	}
	if attempts := len(m.Attempts()); attempts != 1 {
		t.Errorf("%d attempts, want 1: no retry after the deadline", attempts)
	}
}
