package journey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/site/chrome"
)

// The acknowledgement: the staff message (inside the encryption) links
// to /api/ack/<reference>/<mac>. Opening the link shows a page with a
// button; only pressing it, a POST, records the acknowledgement, because
// mail scanners open links. The MAC, with the deployment's secret key,
// makes the link work for its reference only; the page shows nothing but
// the reference. Acknowledging twice is harmless.

// ackMAC signs a reference for its acknowledgement link.
func ackMAC(key []byte, ref intake.Reference) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ack\x00" + ref.String()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// ackURL is the link staff open to acknowledge ref, or "" without a key.
func (h *handler) ackURL(ref intake.Reference) string {
	if len(h.cfg.AckKey) == 0 {
		return ""
	}
	return h.cfg.AckBase + AckPath(ref, ackMAC(h.cfg.AckKey, ref))
}

// AckPath is the acknowledgement page's address for ref with its mac.
func AckPath(ref intake.Reference, mac string) string {
	return "/api/ack/" + string(ref) + "/" + mac
}

// ackData is the acknowledgement page's data.
type ackData struct {
	Reference intake.Reference
	Action    string
	State     string // "ask", "done", "invalid" or "failed"
}

// ackRequest checks the link: the reference's form and its MAC.
func (h *handler) ackRequest(r *http.Request) (intake.Reference, bool) {
	ref, err := intake.ParseReference(r.PathValue("ref"))
	if err != nil || len(h.cfg.AckKey) == 0 || h.cfg.Ledger == nil {
		return "", false
	}
	want := ackMAC(h.cfg.AckKey, ref)
	return ref, hmac.Equal([]byte(want), []byte(r.PathValue("mac")))
}

func (h *handler) ackPage(w http.ResponseWriter, r *http.Request) {
	ref, ok := h.ackRequest(r)
	if !ok {
		h.cfg.Logger.Info("ack", "outcome", "invalid_link")
		h.renderAck(w, http.StatusNotFound, ackData{State: "invalid"})
		return
	}
	h.renderAck(w, http.StatusOK, ackData{Reference: ref, Action: AckPath(ref, r.PathValue("mac")), State: "ask"})
}

func (h *handler) ack(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		h.message(w, http.StatusForbidden, "forbidden", nil)
		return
	}
	ref, ok := h.ackRequest(r)
	if !ok {
		h.cfg.Logger.Info("ack", "outcome", "invalid_link")
		h.renderAck(w, http.StatusNotFound, ackData{State: "invalid"})
		return
	}
	_, changed, err := h.cfg.Ledger.Record(r.Context(), ref.String(), ledger.Acknowledged, "")
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		// Expired, or never sent through this deployment: nothing to
		// remind about either way.
		h.cfg.Logger.Warn("ack", "outcome", "unknown_reference", "reference", ref.String())
	case err != nil:
		h.cfg.Logger.Error("ledger write failed", "reference", ref.String(), "state", string(ledger.Acknowledged), "cause", "ledger")
		h.renderAck(w, http.StatusServiceUnavailable, ackData{Reference: ref, Action: AckPath(ref, r.PathValue("mac")), State: "failed"})
		return
	default:
		outcome := "acknowledged"
		if !changed {
			outcome = "already_acknowledged"
		}
		h.cfg.Logger.Info("ack", "outcome", outcome, "reference", ref.String())
	}
	h.renderAck(w, http.StatusOK, ackData{Reference: ref, State: "done"})
}

// renderAck renders the acknowledgement page, in Swedish: it is for staff.
func (h *handler) renderAck(w http.ResponseWriter, status int, d ackData) {
	title := h.cfg.Data.Strings.MustGet(content.SV, "ack."+d.State+"_title")
	p := &chrome.Page{Lang: content.SV, NoIndex: true, Title: title, Description: title}
	h.render(w, status, "ack", p, d)
}
