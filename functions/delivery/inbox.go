package delivery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// Inbox is the local inbox: it delivers each message as a file
// <dir>/<office>/<reference>.eml holding exactly the bytes SMTP would
// send, or <dir>/<office>.<unit>/… for an office's other units (see
// [content.InboxKey]). `make run` delivers here, and so do the tests.
type Inbox struct {
	Dir string
}

var safeName = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z]+)?$`)

// Send writes the message atomically: to a temporary file that is synced
// and then renamed, so a reader never sees half a message and a crash
// leaves either the whole message or none. The file is readable by its
// owner only.
func (in *Inbox) Send(ctx context.Context, env *Envelope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name := ""
	if env.Reference == "" {
		// A notice, not an application: named by when it came.
		name = "notice-" + time.Now().UTC().Format("20060102T150405.000000000") + ".eml"
	} else if ref, err := intake.ParseReference(string(env.Reference)); err != nil || ref != env.Reference {
		return fmt.Errorf("inbox: unsafe file name for office %q", env.Office)
	} else {
		name = env.Reference.String() + ".eml"
	}
	folder := content.InboxKey(env.Office, env.Unit)
	if !safeName.MatchString(folder) {
		return fmt.Errorf("inbox: unsafe file name for office %q", folder)
	}
	dir := filepath.Join(in.Dir, folder)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(env.Data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	final := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return err
	}
	// The rename is durable only once the folder itself is synced.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
