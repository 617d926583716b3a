package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The statistics catalogue: every figure the portal counts, and how the
// figures are grouped into the tables it publishes. It lives here, with
// the rest of the content model, because both sides use it: the function
// counts and exports these measures, the site publishes the export.
//
// A group is a table of months (or offices) by its measures; the
// measures of a group add up to what its row total counts, so that
// small numbers can be suppressed with the totals taken into account
// (package suppress).

// Measure is one counted figure.
type Measure struct {
	ID string
	// Column is its name in the CSV files: Swedish, lower case, ASCII,
	// a stable contract for the offices' spreadsheets.
	Column string
}

// StatGroup is a table of measures.
type StatGroup struct {
	ID       string
	Measures []Measure
	// HiddenWith names another group: a row (or the totals) of this
	// group is published only where that group's row has nothing
	// suppressed. The number of children is hidden with the
	// distribution 1/2/3+, since together they could give a hidden
	// count away.
	HiddenWith string
	// Since is the first year the group is counted. An export of an
	// earlier year has no table for it: a year published before the
	// group existed stays valid, and shows no zeros that were never
	// counted.
	Since int
	// National groups are counted for the whole country and the whole
	// year only, never per office or month: their table in an export
	// has the national totals and no office rows, and no office's
	// report shows them. They count what a single office's month could
	// give away about a person (a request to be contacted about
	// violence, in a small municipality).
	National bool
	// Unit is the unit that receives what a national group counts. Its
	// total is shown only when at least NationalMinOffices offices have
	// that unit: otherwise an office that knows its own count would
	// know the only other one's, and the public would see one office's
	// year.
	Unit UnitKind
}

// NationalMinOffices is how many offices must receive what a national
// group counts before its total is published.
const NationalMinOffices = 3

// CountedIn reports whether the group was counted in year.
func (g StatGroup) CountedIn(year int) bool { return year >= g.Since }

// OfficeGroups are the groups counted per office and month: every
// group but the national ones.
func OfficeGroups() []StatGroup {
	var gs []StatGroup
	for _, g := range StatGroups {
		if !g.National {
			gs = append(gs, g)
		}
	}
	return gs
}

// InterpreterLanguages are the languages the application form offers for
// an interpreter, as ISO 639 codes, with "other" last: the closed list
// that is counted (a language typed under "other" is delivered to the
// office, never counted). Their names are texts, languages.<code>.
// The list holds the languages interpreted most in Swedish public
// services, Swedish Sign Language (swl) among them; "bks" is Bosnian,
// Croatian and Serbian, booked as one.
var InterpreterLanguages = []string{"ar", "so", "ti", "fa", "prs", "ps", "ku", "tr", "bks", "pl", "ru", "uk",
	"es", "en", "th", "swl", "other"}

// StatGroups are the published tables, in the order they are shown.
var StatGroups = []StatGroup{
	{ID: "received", Measures: []Measure{{"applications", "ansokningar"}, {"follow_ups", "uppfoljningsforfragningar"}}},
	{ID: "children", Measures: []Measure{{"children_1", "ansokningar_1_barn"}, {"children_2", "ansokningar_2_barn"},
		{"children_3plus", "ansokningar_3_eller_fler_barn"}}},
	{ID: "children_sum", Measures: []Measure{{"children", "barn"}}, HiddenWith: "children"},
	{ID: "topics", Measures: []Measure{{"topic_custody", "fraga_vardnad"}, {"topic_residence", "fraga_boende"},
		{"topic_contact", "fraga_umgange"}, {"topic_support", "fraga_underhall"}, {"topic_other", "fraga_annat"}}},
	{ID: "court_ordered", Measures: []Measure{{"court_ordered_yes", "domstol_ja"}, {"court_ordered_no", "domstol_nej"}}},
	{ID: "previous_talks", Measures: []Measure{{"previous_talks_yes", "tidigare_samtal_ja"}, {"previous_talks_no", "tidigare_samtal_nej"}}},
	{ID: "individual_first_talk", Measures: []Measure{{"individual_first_talk_yes", "eget_forsta_samtal_ja"},
		{"individual_first_talk_no", "eget_forsta_samtal_nej"}}},
	{ID: "interpreter", Measures: []Measure{{"interpreter_yes", "tolk_ja"}, {"interpreter_no", "tolk_nej"}}},
	{ID: "interpreter_languages", Measures: languageMeasures()},
	{ID: "protected_identity", Measures: []Measure{{"protected_identity_yes", "skyddad_identitet_ja"},
		{"protected_identity_no", "skyddad_identitet_nej"}}},
	{ID: "acknowledged", Measures: []Measure{{"ack_0_1", "kvitterad_0_1_arbetsdagar"}, {"ack_2_3", "kvitterad_2_3_arbetsdagar"},
		{"ack_4_5", "kvitterad_4_5_arbetsdagar"}, {"ack_6plus", "kvitterad_6_eller_fler_arbetsdagar"}}},
	{ID: "reminders", Measures: []Measure{{"reminders", "paminnelser"}}},
	{ID: "escalations", Measures: []Measure{{"escalations", "eskaleringar"}}},
	{ID: "bounces", Measures: []Measure{{"bounces", "studsar"}}},
	// A support person's report after a supervised visit: part of a
	// case already open, counted per office like the rest.
	{ID: "visit_reports", Measures: []Measure{{"visit_reports", "besoksrapporter"}}, Since: 2026},
	{ID: "contact_requests", Measures: []Measure{{"contact_requests", "kontaktforfragningar"}}, Since: 2026,
		National: true, Unit: Violence},
}

func languageMeasures() []Measure {
	var ms []Measure
	for _, code := range InterpreterLanguages {
		ms = append(ms, Measure{"language_" + code, "tolksprak_" + code})
	}
	return ms
}

// StatGroupByID returns the group with the id.
func StatGroupByID(id string) (StatGroup, bool) {
	for _, g := range StatGroups {
		if g.ID == id {
			return g, true
		}
	}
	return StatGroup{}, false
}

// Measures returns every measure of the catalogue, in order.
func Measures() []Measure {
	var ms []Measure
	for _, g := range StatGroups {
		ms = append(ms, g.Measures...)
	}
	return ms
}

// StatisticsDir holds the published statistics: one export per closed
// year, <year>.yaml, written by `make stats`.
const StatisticsDir = "statistics"

// Statistics is one year's published export: every group as a table of
// offices by measures, suppressed, with the national totals.
type Statistics struct {
	Year int `yaml:"year" validate:"min=2000,max=2999"`
	// Threshold is the suppression threshold the export was made with:
	// every hidden entry is written as "<threshold".
	Threshold int         `yaml:"threshold" validate:"min=2,max=100"`
	Groups    []StatTable `yaml:"groups" validate:"required,dive"`

	File string `yaml:"-"` // where it was read from
}

// StatTable is one group's table.
type StatTable struct {
	Group  string    `yaml:"group" validate:"required"`
	Rows   []StatRow `yaml:"rows" validate:"dive"`
	Totals []Count   `yaml:"totals"` // the national total of each measure
	Total  Count     `yaml:"total"`  // the national total of the row totals

	line int
}

// StatRow is one office's row.
type StatRow struct {
	Office string `yaml:"office" validate:"required"`
	// Name is the office's name when the export was written, so that a
	// year stays publishable after an office leaves or merges: only
	// an office that is neither in offices/ nor named is a problem.
	Name  Text    `yaml:"name" validate:"-"`
	Cells []Count `yaml:"cells"`
	Total Count   `yaml:"total"`

	line int
}

// Count is a published entry: a number, or, when Hidden, the label
// "<threshold" and no number.
type Count struct {
	Value  int
	Hidden bool

	label string // as read, for the check against the threshold
}

// Label is the mark of a hidden entry under a threshold: "<5" for 5.
func Label(threshold int) string { return "<" + strconv.Itoa(threshold) }

// Text is the entry as published, with the threshold's label when hidden.
func (c Count) Text(threshold int) string {
	if c.Hidden {
		return Label(threshold)
	}
	return strconv.Itoa(c.Value)
}

var hiddenRE = regexp.MustCompile(`^<[0-9]+$`)

// UnmarshalYAML reads a number, or a label like "<5".
func (c *Count) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a count is a number or a label like \"<5\"", n.Line)
	}
	if hiddenRE.MatchString(n.Value) {
		*c = Count{Hidden: true, label: n.Value}
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < 0 || n.Tag == "!!str" {
		return fmt.Errorf("line %d: %q is not a count: write a whole number of 0 or more, or a label like \"<5\"", n.Line, n.Value)
	}
	*c = Count{Value: v}
	return nil
}

// StatCell is how the function writes an entry: its value, or hidden
// under the threshold. It is the writer's side of [Count], so that a
// hidden value can never be written.
type StatCell struct {
	Value     int
	Hidden    bool
	Threshold int
}

// Text is the entry as published.
func (c StatCell) Text() string {
	if c.Hidden {
		return Label(c.Threshold)
	}
	return strconv.Itoa(c.Value)
}

// MarshalYAML writes the number, or the label.
func (c StatCell) MarshalYAML() (any, error) {
	if c.Hidden {
		return Label(c.Threshold), nil
	}
	return c.Value, nil
}

var statFileRE = regexp.MustCompile(`^([0-9]{4})\.yaml$`)

// LoadStatistics reads and checks every export under statistics/, newest
// year first. A tree without the folder has none.
func LoadStatistics(fsys fs.FS, dir *Directory) ([]*Statistics, error) {
	entries, err := fs.ReadDir(fsys, StatisticsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, Problems{{File: StatisticsDir, Msg: "cannot read the statistics: " + err.Error()}}
	}
	var out []*Statistics
	var probs Problems
	for _, e := range entries {
		name := e.Name()
		file := path.Join(StatisticsDir, name)
		if e.IsDir() || strings.HasPrefix(name, ".") || name == "README.md" {
			continue
		}
		m := statFileRE.FindStringSubmatch(name)
		if m == nil {
			probs = append(probs, Problem{File: file, Msg: "a statistics export is named after its year, like 2026.yaml"})
			continue
		}
		s, ps := loadStatistics(fsys, file, dir)
		probs = append(probs, ps...)
		if s == nil {
			continue
		}
		if strconv.Itoa(s.Year) != m[1] {
			probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("the file says year %d: rename it %d.yaml or correct the year", s.Year, s.Year)})
			continue
		}
		out = append(out, s)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	slices.SortFunc(out, func(a, b *Statistics) int { return b.Year - a.Year })
	return out, nil
}

func loadStatistics(fsys fs.FS, file string, dir *Directory) (*Statistics, Problems) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, Problems{{File: file, Msg: "cannot read: " + err.Error()}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, Problems{yamlErrorProblem(file, 0, err.Error())}
	}
	if len(node.Content) == 0 {
		return nil, Problems{{File: file, Msg: "the file is empty"}}
	}
	var s Statistics
	if probs := decodeNode(file, node.Content[0], &s, editionsOf(fsys)); len(probs) > 0 {
		return nil, probs
	}
	s.File = file
	setStatLines(node.Content[0], &s)
	if probs := s.check(dir); len(probs) > 0 {
		return nil, probs
	}
	return &s, nil
}

// setStatLines notes where each table and row starts, for the checks.
func setStatLines(root *yaml.Node, s *Statistics) {
	groups := mapValue(root, "groups")
	if groups == nil {
		return
	}
	for i, g := range groups.Content {
		if i >= len(s.Groups) {
			break
		}
		s.Groups[i].line = g.Line
		rows := mapValue(g, "rows")
		if rows == nil {
			continue
		}
		for j, r := range rows.Content {
			if j < len(s.Groups[i].Rows) {
				s.Groups[i].Rows[j].line = r.Line
			}
		}
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// check holds an export to what `make stats` writes: known groups, each
// once, in order; known offices; a cell per measure; labels under the
// file's threshold; totals that add up where nothing is hidden; no shown
// count below the threshold other than zero.
func (s *Statistics) check(dir *Directory) Problems {
	var probs Problems
	label := Label(s.Threshold)
	seen := map[string]bool{}
	checkCount := func(line int, what string, c Count) {
		if c.Hidden && c.label != label {
			probs = append(probs, Problem{File: s.File, Line: line,
				Msg: fmt.Sprintf("%s is written %q, but the file's threshold is %d: hidden entries are written %q", what, c.label, s.Threshold, label)})
		}
		if !c.Hidden && c.Value > 0 && c.Value < s.Threshold {
			probs = append(probs, Problem{File: s.File, Line: line,
				Msg: fmt.Sprintf("%s is %d, below the threshold %d: it must be written %q", what, c.Value, s.Threshold, label)})
		}
	}
	for _, t := range s.Groups {
		g, ok := StatGroupByID(t.Group)
		if !ok {
			var ids []string
			for _, g := range StatGroups {
				ids = append(ids, g.ID)
			}
			probs = append(probs, Problem{File: s.File, Line: t.line, Msg: fmt.Sprintf("unknown group %q; the groups are %s", t.Group, strings.Join(ids, ", "))})
			continue
		}
		if seen[t.Group] {
			probs = append(probs, Problem{File: s.File, Line: t.line, Msg: fmt.Sprintf("group %q comes twice", t.Group)})
		}
		seen[t.Group] = true
		n := len(g.Measures)
		if len(t.Totals) != n {
			probs = append(probs, Problem{File: s.File, Line: t.line, Msg: fmt.Sprintf("group %q has %d totals; it needs one per measure, %d", t.Group, len(t.Totals), n)})
		}
		if g.National && len(t.Rows) > 0 {
			probs = append(probs, Problem{File: s.File, Line: t.Rows[0].line, Msg: fmt.Sprintf("group %q is counted for the whole country only: remove its office rows and keep the national totals", t.Group)})
		}
		offices := map[string]bool{}
		for _, r := range t.Rows {
			if dir != nil {
				if _, ok := dir.Office(r.Office); !ok && r.Name[SV] == "" {
					probs = append(probs, Problem{File: s.File, Line: r.line, Msg: fmt.Sprintf("no office %q in offices/", r.Office)})
				}
			}
			if offices[r.Office] {
				probs = append(probs, Problem{File: s.File, Line: r.line, Msg: fmt.Sprintf("office %q comes twice in group %q", r.Office, t.Group)})
			}
			offices[r.Office] = true
			if len(r.Cells) != n {
				probs = append(probs, Problem{File: s.File, Line: r.line, Msg: fmt.Sprintf("office %q has %d cells in group %q; it needs %d", r.Office, len(r.Cells), t.Group, n)})
				continue
			}
			for _, c := range r.Cells {
				checkCount(r.line, "a cell of "+r.Office, c)
			}
			checkCount(r.line, "the total of "+r.Office, r.Total)
			if sum, all := shownSum(r.Cells); all && !r.Total.Hidden && sum != r.Total.Value {
				probs = append(probs, Problem{File: s.File, Line: r.line, Msg: fmt.Sprintf("the cells of %q add up to %d, not to its total %d", r.Office, sum, r.Total.Value)})
			}
		}
		for j, c := range t.Totals {
			checkCount(t.line, "a national total", c)
			if j >= n || c.Hidden || g.National {
				continue
			}
			col := make([]Count, 0, len(t.Rows))
			for _, r := range t.Rows {
				if j < len(r.Cells) {
					col = append(col, r.Cells[j])
				}
			}
			if sum, all := shownSum(col); all && sum != c.Value {
				probs = append(probs, Problem{File: s.File, Line: t.line, Msg: fmt.Sprintf("group %q: the offices' %s add up to %d, not to the national total %d", t.Group, g.Measures[j].ID, sum, c.Value)})
			}
		}
		checkCount(t.line, "the national total", t.Total)
	}
	for _, g := range StatGroups {
		if !seen[g.ID] && g.CountedIn(s.Year) {
			probs = append(probs, Problem{File: s.File, Line: 1, Msg: fmt.Sprintf("group %q is missing", g.ID)})
		}
	}
	return probs
}

// shownSum adds the counts and reports whether none was hidden.
func shownSum(cs []Count) (int, bool) {
	sum := 0
	for _, c := range cs {
		if c.Hidden {
			return 0, false
		}
		sum += c.Value
	}
	return sum, true
}

// Table returns the export's table for a group.
func (s *Statistics) Table(group string) (StatTable, bool) {
	for _, t := range s.Groups {
		if t.Group == group {
			return t, true
		}
	}
	return StatTable{}, false
}
