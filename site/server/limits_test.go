package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLimits: a client that sends its request a byte at a time, or keeps
// a connection open and idle, is cut off; a steady one is answered. The
// limits are shortened so the test is quick; TestDefaultLimits checks
// the real ones against their reasons.
func TestLimits(t *testing.T) {
	l := Limits{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: time.Second, Idle: 400 * time.Millisecond}
	srv := NewServerWith(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			return
		}
		io.WriteString(w, "ok")
	}), l)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	// trickle sends s a byte every gap and reports whether the server
	// closed the connection before all of it was sent.
	trickle := func(c net.Conn, s string, gap time.Duration) bool {
		for i := range len(s) {
			if _, err := c.Write([]byte{s[i]}); err != nil {
				return true
			}
			time.Sleep(gap)
		}
		return false
	}
	// closed reports whether the server closes c within d, reading
	// whatever it answered first.
	closed := func(c net.Conn, d time.Duration) bool {
		c.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, c)
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
	dial := func(t *testing.T) net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	body := strings.Repeat("a=b&", 25)
	request := "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"

	t.Run("headers a byte at a time", func(t *testing.T) {
		c := dial(t)
		if cut := trickle(c, request, 100*time.Millisecond); !cut && !closed(c, 2*time.Second) {
			t.Error("the server waited for headers sent a byte every 100 ms")
		}
	})
	t.Run("body a byte at a time", func(t *testing.T) {
		c := dial(t)
		io.WriteString(c, request)
		start := time.Now()
		cut := trickle(c, body, 100*time.Millisecond) // 10 s for all of it
		if !cut && !closed(c, 2*time.Second) {
			t.Error("the server waited for a body sent a byte every 100 ms")
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the slow body held the connection %s", took)
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		c := dial(t)
		io.WriteString(c, request+body)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("a whole request: %v %v", resp, err)
		}
		resp.Body.Close()
		if !closed(c, 2*time.Second) {
			t.Error("the server kept an idle connection open")
		}
	})
	t.Run("steady client", func(t *testing.T) {
		c := dial(t)
		io.WriteString(c, request)
		for i := 0; i < len(body); i += 20 { // the body in five parts over 250 ms
			io.WriteString(c, body[i:i+20])
			time.Sleep(50 * time.Millisecond)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("a steady client was not answered: %v %v", resp, err)
		}
		resp.Body.Close()
	})
}

// TestDefaultLimits: the real limits let a parent on a slow mobile
// connection through and still end a stalled request.
func TestDefaultLimits(t *testing.T) {
	const (
		largestForm = 64 << 10        // bytes: journey.MaxBody
		slowMobile  = 20_000 / 8      // bytes a second: 20 kbit/s, a poor 2G/EDGE line
		delivery    = 3 + 3 + 15 + 5  // seconds: connect, greet, send, and a pause before one retry
		oneRequest  = 2 * time.Minute // longest a connection may be held by one stalled request
	)
	s := NewServer(http.NotFoundHandler())
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"every limit is set", s.ReadHeaderTimeout > 0 && s.ReadTimeout > 0 && s.WriteTimeout > 0 && s.IdleTimeout > 0},
		{"the largest form arrives at 20 kbit/s", s.ReadTimeout > largestForm/slowMobile*time.Second},
		{"an answer can wait for a delivery", s.WriteTimeout > delivery*time.Second},
		{"a stalled request ends", s.ReadTimeout+s.WriteTimeout <= oneRequest},
	} {
		if !tt.ok {
			t.Errorf("%s: %+v", tt.name, DefaultLimits)
		}
	}
}
