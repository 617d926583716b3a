package cms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// LocalServer is decap-server, Decap's local backend, running with node
// on 127.0.0.1 over a content tree: the editor's changes are written
// straight into the tree's files, as an editor with a text editor would.
type LocalServer struct {
	URL  string // http://127.0.0.1:port, its API at /api/v1
	cmd  *exec.Cmd
	hold *os.File // the pipe to its standard input: it runs while this is open
	done chan struct{}
	err  error // how it ended, once done is closed
}

// ServerOptions say where decap-server is and what it serves.
type ServerOptions struct {
	Dir     string    // build/cms, with node_modules
	Content string    // the content tree it reads and writes
	Port    int       // 0: a free one
	Log     io.Writer // its warnings and errors; nil: discarded
}

// untilStdinEnds runs decap-server (the script, argv[1]) and exits when
// standard input ends.
const untilStdinEnds = `process.stdin.on("end", () => process.exit(0)); process.stdin.resume(); require(process.argv[1]);`

// startTimeout is how long decap-server may take to answer: node loads
// express and its other modules in about a second.
const startTimeout = 30 * time.Second

// StartLocalServer starts decap-server and returns once it answers. It
// stops when ctx ends or Close is called.
func StartLocalServer(ctx context.Context, o ServerOptions) (*LocalServer, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not installed: run `make deps` (it installs Debian's nodejs and npm)")
	}
	script, err := filepath.Abs(filepath.Join(o.Dir, "node_modules", "decap-server", "dist", "index.js"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("decap-server is not installed (%v): run `make deps`, which runs npm ci in %s", err, o.Dir)
	}
	tree, err := filepath.Abs(o.Content)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(tree); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("the content tree %s is not a folder: %v", tree, err)
	}
	port := o.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	// decap-server ends when its standard input does, which is when this
	// process closes the pipe or dies, even by a signal it cannot catch:
	// a killed dev server leaves nothing writing into the content tree.
	stdin, hold, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, node, "-e", untilStdinEnds, script)
	cmd.Stdin = stdin
	// Its own folder, which holds no .env: decap-server reads one from
	// where it starts. Its environment is only what it needs.
	cmd.Dir = o.Dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"PORT=" + strconv.Itoa(port),
		"BIND_HOST=127.0.0.1", // never on the network: it writes files for anyone who asks
		"MODE=fs",             // the files only; git stays with the editor
		"GIT_REPO_DIRECTORY=" + tree,
		"LOG_LEVEL=warn",
		"NODE_ENV=production",
	}
	var out bytes.Buffer
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	cmd.Stdout = io.MultiWriter(log, &limited{b: &out})
	cmd.Stderr = cmd.Stdout
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 3 * time.Second
	err = cmd.Start()
	stdin.Close() // the child's end
	if err != nil {
		hold.Close()
		return nil, err
	}
	s := &LocalServer{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, hold: hold, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		s.hold.Close()
		close(s.done)
	}()
	deadline := time.Now().Add(startTimeout)
	for {
		if s.ready() {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("decap-server stopped before it answered (%v):\n%s", s.err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Close()
			return nil, fmt.Errorf("decap-server did not answer on %s within %s:\n%s", s.URL, startTimeout, out.String())
		}
	}
}

// ready reports whether the API answers its "info" action.
func (s *LocalServer) ready() bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Post(s.URL+"/api/v1", "application/json", bytes.NewBufferString(`{"action":"info"}`))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Close stops decap-server.
func (s *LocalServer) Close() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	s.hold.Close()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	return nil
}

// freePort asks the system for a port nothing listens on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// limited keeps the first 16 KiB written to it, for an error message.
type limited struct{ b *bytes.Buffer }

func (l *limited) Write(p []byte) (int, error) {
	if room := 16<<10 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
