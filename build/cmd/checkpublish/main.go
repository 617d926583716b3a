// Command checkpublish lists what the content lacks for publication, as
// file:line: what to fix. The demo content builds and runs, but must not
// go live as it is: development certificates, placeholder inboxes, the
// demo base_url, offices a parent cannot call or write to.
//
//	checkpublish [-content content] [-strict]
//
// OFFICE_INBOXES (the deployment's office inboxes, as `make deploy` takes
// them) says which offices get a real inbox. Without -strict (`make
// check-publish`) it only prints the list; with it (`make publish-site`,
// `make deploy`) any problem exits with status 1 before anything is
// published.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
)

func main() {
	if err := run(os.Args, os.Getenv, os.Stdout); err != nil {
		if !errors.Is(err, errUnpublishable) {
			fmt.Fprintln(os.Stderr, "checkpublish:", err)
		}
		os.Exit(1)
	}
}

var errUnpublishable = errors.New("not ready for publication")

func run(args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stdout)
	dir := fl.String("content", "content", "the content tree")
	strict := fl.Bool("strict", false, "exit with status 1 if anything is missing")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	fsys := os.DirFS(*dir)
	data, err := content.Load(fsys)
	if err != nil {
		return err
	}
	inboxes, err := delivery.ParseInboxes(getenv("OFFICE_INBOXES"))
	if err != nil {
		return fmt.Errorf("OFFICE_INBOXES: %w", err)
	}
	live := func(id string) bool {
		addr, ok := inboxes[id]
		return ok && !delivery.IsPlaceholder(addr)
	}
	probs := content.PublishProblems(fsys, data, live).Prefix(*dir)
	if len(probs) == 0 {
		fmt.Fprintln(stdout, "ready for publication: nothing is missing")
		return nil
	}
	fmt.Fprintln(stdout, probs.Error())
	if *strict {
		fmt.Fprintf(stdout, "%d thing(s) missing for publication: nothing was published\n", len(probs))
		return errUnpublishable
	}
	fmt.Fprintf(stdout, "%d thing(s) missing for publication (make publish-site and make deploy refuse until they are fixed)\n", len(probs))
	return nil
}
