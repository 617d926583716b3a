package site

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLIX is the highest readability index a Swedish page may have. LIX
// under 40 is easy to read; the portal's readers may be reading under
// stress, in their second language.
const MaxLIX = 40

// minLIXWords is the least text LIX says anything about: one long word
// alone scores 101.
const minLIXWords = 20

// lixCounter measures LIX (läsbarhetsindex): words per sentence plus the
// percentage of long words (more than six letters). Text is fed in block
// by block; the end of a heading, paragraph, list item or table cell ends
// a sentence even without a full stop, since readers take it as one.
type lixCounter struct {
	words, long, sentences int
	open                   int         // words since the last sentence ended
	sentenceStart          int         // line of the current sentence's first word
	longest                [3]sentence // the longest so far, longest first
	keepOver               int         // with KeepOver: every sentence longer is kept in over
	over                   []sentence
}

// KeepOver makes the counter keep every sentence of more than n words,
// for [lixCounter.Over].
func (c *lixCounter) KeepOver(n int) { c.keepOver = n }

// Over returns the sentences longer than KeepOver's limit, in order.
func (c *lixCounter) Over() []sentence {
	c.endSentence()
	return c.over
}

// sentence is a long sentence worth pointing an editor to.
type sentence struct{ line, words int }

// Text feeds text that starts on line.
func (c *lixCounter) Text(s string, line int) {
	letters, inWord := 0, false
	endWord := func() {
		if !inWord {
			return
		}
		inWord = false
		c.words++
		if c.open == 0 {
			c.sentenceStart = line
		}
		c.open++
		if letters > 6 {
			c.long++
		}
		letters = 0
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		switch {
		case unicode.IsLetter(r):
			inWord = true
			letters++
		case unicode.IsDigit(r):
			inWord = true
		case r == '-' && inWord && unicode.IsLetter(next):
			// "e-post" is one word.
		case r == '.' && inWord && unicode.IsDigit(next) && i > 0 && s[i-1] >= '0' && s[i-1] <= '9':
			// "2.5" is one word.
		case r == '.' && inWord && (unicode.IsLetter(next) || unicode.IsDigit(next)):
			// "t.ex" is two short words, and no sentence ends inside it.
			endWord()
		case r == '.' && continues(s[i+size:]):
			// "t.ex. med", "6 kap. 15 c §": a sentence starts with a
			// capital, so a full stop before a small letter or a digit
			// ends an abbreviation, not a sentence.
			endWord()
		case r == '.' || r == '!' || r == '?' || r == ':':
			endWord()
			c.endSentence()
		case r == '\n':
			endWord()
			line++
		default:
			endWord()
		}
		i += size
	}
	endWord()
}

// continues reports whether the text after a full stop goes on with a
// small letter or a digit.
func continues(rest string) bool {
	rest = strings.TrimLeft(rest, " ")
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && (unicode.IsLower(r) || unicode.IsDigit(r))
}

func (c *lixCounter) endSentence() {
	if c.open == 0 {
		return
	}
	c.sentences++
	s := sentence{line: c.sentenceStart, words: c.open}
	if c.keepOver > 0 && s.words > c.keepOver {
		c.over = append(c.over, s)
	}
	for i := range c.longest {
		if s.words > c.longest[i].words {
			copy(c.longest[i+1:], c.longest[i:])
			c.longest[i] = s
			break
		}
	}
	c.open = 0
}

// EndBlock marks the end of a heading, paragraph, list item or cell.
func (c *lixCounter) EndBlock() { c.endSentence() }

// LIX returns the index, or 0 for a text too short to measure.
func (c *lixCounter) LIX() float64 {
	c.endSentence()
	if c.words < minLIXWords || c.sentences == 0 {
		return 0
	}
	return float64(c.words)/float64(c.sentences) + 100*float64(c.long)/float64(c.words)
}

// Longest returns the (up to three) longest sentences, longest first.
func (c *lixCounter) Longest() []sentence {
	var out []sentence
	for _, s := range c.longest {
		if s.words > 0 {
			out = append(out, s)
		}
	}
	return out
}
