#!/usr/bin/env bash
# Publish the built site (public/) to the site's S3 bucket, then make
# CloudFront forget what it has cached. `make publish-site` builds public/
# first and runs this.
#
#   SITE_BUCKET=...      the stack output SiteBucketName
#   DISTRIBUTION_ID=...  the stack output DistributionId
#   PUBLIC_DIR=public    optional: the folder to publish
#
# Cache headers are the local server's (site/server): fingerprinted
# /assets/* for a year, immutable; everything else no-cache, so a browser
# asks again and a new version shows at once. Content types are
# chrome.ContentType's, not the CLI's guesses (which lack the charset).
# build/template_test.go checks both tables against the Go code.
#
# Order: assets first, pages last, deletions at the very end, so a page
# never refers to an asset that is not there yet.
set -euo pipefail

die() {
	echo "publish-site: $*" >&2
	exit 1
}

[ -n "${SITE_BUCKET:-}" ] || die "SITE_BUCKET is not set: give the stack output SiteBucketName (see README: Running in production)"
[ -n "${DISTRIBUTION_ID:-}" ] || die "DISTRIBUTION_ID is not set: give the stack output DistributionId"
command -v aws >/dev/null 2>&1 || die "the aws CLI is not installed (https://aws.amazon.com/cli/)"
dir=${PUBLIC_DIR:-public}
if [ ! -f "$dir/index.html" ] || [ ! -f "$dir/404.html" ]; then
	die "$dir/ holds no built site: run make site"
fi

immutable="public, max-age=31536000, immutable"

# extension|content type, as chrome.ContentType.
types=(
	"html|text/html; charset=utf-8"
	"css|text/css; charset=utf-8"
	"js|text/javascript; charset=utf-8"
	"svg|image/svg+xml"
	"ico|image/x-icon"
	"png|image/png"
	"jpg|image/jpeg"
	"jpeg|image/jpeg"
	"xml|application/xml; charset=utf-8"
	"txt|text/plain; charset=utf-8"
	"yml|text/yaml; charset=utf-8"
	"wasm|application/wasm"
	"json|application/json"
)

# sync copies what changed. The filters given come first; the excludes
# after them win: _headers is for other static hosts (CloudFront has the
# response-headers policy), and dotfiles such as .portal-site are the
# generator's own.
sync() {
	aws s3 sync "$dir" "s3://$SITE_BUCKET" --only-show-errors "$@" \
		--exclude '_headers' --exclude '.*' --exclude '*/.*'
}

# has tells whether any file matches a find -path pattern, so that a type
# the site does not use costs no request.
has() {
	[ -n "$(find "$dir" -type f -path "$1" -print -quit)" ]
}

# 1. Assets, by type, then any other asset with the CLI's type.
for entry in "${types[@]}"; do
	ext=${entry%%|*}
	has "$dir/assets/*.$ext" || continue
	sync --exclude '*' --include "assets/*.$ext" --content-type "${entry#*|}" --cache-control "$immutable"
done
sync --exclude '*' --include 'assets/*' --cache-control "$immutable"

# 2. Everything else but pages, by type, then the rest. sync skips what
# an earlier pass has just uploaded.
for entry in "${types[@]}"; do
	ext=${entry%%|*}
	[ "$ext" = html ] && continue
	has "$dir/*.$ext" || continue
	sync --exclude '*' --include "*.$ext" --exclude 'assets/*' --content-type "${entry#*|}" --cache-control no-cache
done
sync --exclude 'assets/*' --exclude '*.html' --cache-control no-cache

# 3. Pages.
sync --exclude '*' --include '*.html' --content-type 'text/html; charset=utf-8' --cache-control no-cache

# 4. Remove what the site no longer has. Everything else is in place, so
# this pass only deletes.
sync --delete

# 5. CloudFront: forget every cached copy ('/*' counts as one path).
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths '/*' \
	--query 'Invalidation.[Id,Status]' --output text
echo "publish-site: $dir/ is on s3://$SITE_BUCKET; CloudFront $DISTRIBUTION_ID is invalidating"
