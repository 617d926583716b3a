package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"familjeratt.example/portal/build/cms"
)

// writeAdmin adds the web editor to the site built into out, at
// out/admin/, for the deployment: it commits to the repository CMS_REPO
// ("owner/name") on CMS_BRANCH (main) through GitHub's API, and editors
// sign in through the OAuth proxy at CMS_OAUTH_URL (README: The web editor
// in production). Without CMS_REPO it leaves the editor out, and says so:
// a site built on a laptop has no repository to commit to. Call it only
// after a build without problems, so that a failed build leaves out/ as
// it was.
func writeAdmin(contentDir, out, baseURL string, getenv func(string) string, stdout io.Writer) error {
	repo := getenv("CMS_REPO")
	if repo == "" {
		fmt.Fprintln(stdout, "the web editor is left out of the site: set CMS_REPO=owner/name and CMS_OAUTH_URL=https://… to publish it at /admin/ (README: The web editor in production)")
		return nil
	}
	oauth := getenv("CMS_OAUTH_URL")
	if oauth == "" {
		return errors.New("CMS_REPO is set but CMS_OAUTH_URL is not: editors sign in to GitHub through an OAuth proxy (README: The web editor in production)")
	}
	branch := getenv("CMS_BRANCH")
	if branch == "" {
		branch = "main"
	}
	dir, err := cms.Dir()
	if err != nil {
		return err
	}
	// The backend sees the repository: the content tree's folder in it.
	abs, err := filepath.Abs(contentDir)
	if err != nil {
		return err
	}
	root, err := filepath.Rel(filepath.Dir(filepath.Dir(dir)), abs)
	if err != nil || root == ".." || strings.HasPrefix(root, ".."+string(filepath.Separator)) {
		return fmt.Errorf("the content tree %s is not inside the repository, where the web editor commits", contentDir)
	}
	cfg, err := cms.Generate(os.DirFS(contentDir), cms.Options{
		Backend: cms.GitHub(repo, branch, oauth),
		Root:    filepath.ToSlash(root),
		SiteURL: baseURL,
	})
	if err != nil {
		return fmt.Errorf("the web editor's configuration: %w", err)
	}
	if err := cms.Write(filepath.Join(out, "admin"), dir, cfg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the web editor is in %s, committing to %s on %s\n", filepath.Join(out, "admin"), repo, branch)
	return nil
}
