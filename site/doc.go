// Package site builds the portal's static website from a content tree.
//
// This comment is the editors' specification. It says what a content tree
// holds, how each file becomes a page, and what every build checks. A build
// reports each problem on its own line as
//
//	content/sv/samarbetssamtal/index.md:14: link to /sv/avtal/ goes nowhere: no page has that address
//
// that is, the file, the line, and what to fix. Any problem stops the build,
// so nothing broken is ever published. A warning does not: a page that
// takes over 2 s to render ([SlowRender]) is named with its time, and the
// site is built all the same.
//
// # The content tree
//
//	content/
//	  site.yaml               portal settings: the editions, base URL, "Exit this page" target, special pages
//	  sv/…/*.md               Swedish pages: the reference edition
//	  <edition>/…/*.md        each other edition's pages (en/, ar/, sv-lattlast/, …)
//	  i18n/<edition>.yaml     interface texts: buttons, labels, form messages, one file per edition
//	  offices/<id>.yaml       one file per family-law office
//	  kommuner.tsv            Sweden's 290 municipalities and their kommunkod
//	  uncrc/en.md, uncrc/sv.md  the official texts of the Convention on the Rights of the Child
//	  uncrc/articles.yaml     our own headings and plain-language summaries of its 54 articles
//	  statistics/<year>.yaml  the published statistics of a year that has ended, written by
//	                          `make stats`, never by hand; missing until the first year has ended
//
// Package content reads and checks everything except the Markdown bodies;
// this package renders the bodies and checks the site as a whole.
//
// # Pages
//
// # Editions
//
// site.yaml's editions: lists the site's editions ([content.Edition]),
// Swedish first: the reference, which every other edition translates.
// Each edition has an id (its folder, address prefix and texts' file), a
// language tag for lang= and hreflang, its name in itself for the
// language menu, a direction (rtl for Arabic), and says whether the forms
// are offered in it, whether it is complete (every Swedish page must have
// a version in it) and whether it is easy to read. A partial edition may
// lack pages: the build reports what it lacks ([Result.Untranslated]),
// and on a page it lacks the language menu says so, in that edition's
// language, and links to its start page. Every edition has a start page.
// A page's versions are listed in the sitemap, one per language tag: an
// easy-to-read edition is not listed beside the edition it shares its
// language with. Data texts (offices, summaries) an edition lacks show in
// Swedish, marked lang="sv" dir="ltr". In a right-to-left edition, runs
// that read left to right (phone numbers, personnummer, dates, e-mail and
// web addresses) are isolated with dir="ltr".
//
// An easy-to-read edition is held to stricter limits on every page: no
// sentence over [MaxEasySentence] (15) words, counting the title and the
// description, and LIX at most [MaxEasyLIX] (25) on every page long
// enough to measure (20 words). An edition without forms may have a page
// at a form's address (sv-lattlast/anmalan.md): it introduces the form in
// the edition's words and is the form's version there.
//
// # Pages
//
// Each Markdown file under an edition's folder is one page. Its path gives its
// address: sv/samarbetssamtal/avtal.md is published at
// /sv/samarbetssamtal/avtal/, and sv/samarbetssamtal/index.md at
// /sv/samarbetssamtal/. File and folder names use only a–z, 0–9 and
// hyphens (write "vald", not "våld"), so that addresses are easy to type.
//
// A page starts with front matter in YAML between two "---" lines:
//
//	---
//	title: Samarbetssamtal
//	description: Samtal för föräldrar som inte är överens om barnen. Gratis och frivilligt.
//	order: 1
//	---
//	Brödtexten börjar här.
//
// The keys:
//
//	title        Required. The page's heading (its only h1) and the browser tab's title.
//	description  Required. One or two sentences; search engines show it under the title.
//	order        A number that sorts the page within its section; lower comes first.
//	             Pages with the same order are sorted by title.
//	draft        true keeps the page out of the build. Links to a draft are broken links.
//	translation  On a page of an edition other than Swedish: the Swedish page it
//	             translates, when its path differs: the file's path below sv/, e.g.
//	             "samarbetssamtal/index.md" in en/cooperation-talks/index.md. Without it,
//	             the page translates the Swedish file at the same path. A Swedish page
//	             has none.
//	layout       How the page is laid out: "page" (the default), "home" (the start page),
//	             "offices" (lists the offices and municipalities below the text, and each
//	             office gets its own page below this page's address; only the page that
//	             site.yaml's links.offices names may have it, and it must), "uncrc" (lists the 54
//	             articles of the convention below the text, and each article gets its own
//	             page below this page's address), "privacy" (the privacy notice: below the
//	             text, who runs the portal and is responsible for its logs, from site.yaml's
//	             privacy, and a link to each office's part of the notice on its page),
//	             "statistics" (the published statistics: below the text, each year of
//	             statistics/, newest first, and in it each group of figures as a chart of the
//	             totals for all of Sweden and a table of the offices with a row for all of
//	             Sweden; a hidden number is shown as the export writes it, "<5", with what that
//	             means; without any export, the page says first that none is published yet.
//	             The text says what is counted and why some numbers are hidden; site.yaml's
//	             links.statistics, when set, links the page from the footer).
//	exit         true shows the "Exit this page" button, for pages a parent at risk may
//	             need to leave quickly.
//	nav          false leaves the page out of the section navigation (it is still
//	             published and may be linked to).
//	sources      What the page's facts rest on, listed under "Källor" at its foot: laws,
//	             an authority's guidance. Each item has a title and, optionally, a url
//	             (https://). A legal claim on a page needs its source here.
//
// Any other key is a problem: a typo must not pass silently.
//
// Every Swedish page needs its version in each complete edition, and
// every page of another edition a Swedish page; a page without one is a
// problem.
//
// Beside each page but the start page, the section navigation lists the
// pages below it, or else the pages beside it, under their parent. A list
// longer than [MaxNavItems] (60) pages is not shown: the page shows the
// level above instead, up to the top-level sections, which the footer
// lists on every page. So a page weighs the same in a portal of any size,
// and a section of hundreds of pages needs a page that links to them, as
// the office finder does for the offices.
//
// A page's file may hold at most 512 KB ([content.MaxPageSize]); a larger
// one is a problem, found before its text is read, so one pasted document
// cannot make a build's work unbounded. Split it into several pages.
//
// # Writing the body
//
// The body is Markdown as in CommonMark, plus tables, footnotes and smart
// punctuation: "..." becomes ”…” in Swedish, “…” in English and «…» in
// Arabic, and "--" becomes a dash. HTML in the body is not allowed.
//
// The title is the page's h1, so the body's headings start at ## and go down
// one level at a time: ### only under ##, never ## straight to ####. Each
// heading gets an address of its own, made from its text with å and ä turned
// into a and ö into o: "## Hur går det till?" can be linked to as
// #hur-gar-det-till. Each heading is a link to itself, so a parent can
// share a link to that part of the page.
//
// Links:
//
//	[Avtal](/sv/samarbetssamtal/avtal/)              another page: its address from the site's root
//	[Avtal](/sv/samarbetssamtal/avtal/#godkannande) a heading on another page
//	[nedan](#hur-gar-det-till)                       a heading on the same page
//	[Kvinnofridslinjen](https://kvinnofridslinjen.se/) another website
//	[020-50 50 50](tel:020505050), [mejla](mailto:x@y.se)
//
// Every link to this site is checked: the page must exist (and not be a
// draft), and so must the heading. Write addresses from the root, starting
// with /sv/ or /en/; relative addresses like ../avtal/ are a problem. Every
// image needs alt text that says what it shows: ![Karta över Malmö](…).
//
// Swedish pages (of every edition in Swedish) are measured for readability with LIX (words per sentence
// plus the share of words longer than six letters). A Swedish page whose LIX
// is over 40 is a problem: use shorter sentences and shorter words. Pages
// with fewer than 20 words are too short to measure and are not checked.
//
// # Generated pages
//
// Besides the Markdown pages, the build makes:
//
//   - a page for each office, below the page whose layout is "offices", which is
//     the page site.yaml's links.offices names;
//   - a page for each article of the convention, below the page whose layout is "uncrc";
//   - the application forms, in each edition that offers them, at /<edition>/<slug>/, the
//     slug being the interface text form.<id>.slug (/sv/anmalan/, /en/apply/, /ar/talab/);
//   - /404.html in every edition, /sitemap.xml with each page's versions, /robots.txt,
//     the favicon, and /_headers with the security headers for static hosting.
//     A sitemap file holds at most 50,000 addresses and 50 MB; past that,
//     /sitemap.xml is an index of /sitemap-1.xml, /sitemap-2.xml, … that
//     together list every page once.
//
// The generated pages take their text from the data files and from i18n/.
// They are checked like the others.
//
// # Offices
//
// Each family-law office has a file offices/<id>.yaml; the id (the file name)
// appears in its address and in the intake function's inbox folders. The keys
// are documented on [content.Office]. The checks: every kommunkod must be in
// kommuner.tsv, no municipality may be served by two offices, and e-mail
// addresses, phone numbers and web addresses must be well formed.
//
// # Interface texts
//
// i18n/sv.yaml and i18n/en.yaml hold the texts of buttons, labels and
// messages, as nested keys. A key in one file must be in the other, with the
// same {placeholders}.
//
// # Output
//
// The build writes the site to a folder (public/ by default), and only
// when it has found no problem: it stages what changed in a folder beside
// the output (.public.staging/) and moves it in at the end, file by file,
// removing pages that no longer exist. A build with a problem leaves the
// output exactly as it was, and the dev server keeps serving that last
// good version, with the problems on every page. A file whose bytes have
// not changed is not written again, so it keeps its time. The same
// content always gives byte-identical output. CSS and JavaScript files carry
// a fingerprint of their content in their names, so browsers may cache them
// for a year. HTML is minified.
package site
