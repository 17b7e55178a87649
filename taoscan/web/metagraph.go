package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
)

// rowsSlot marks where writeHTML splices a page's pre-rendered rows; it cannot come out of
// escaped user data because "<" is always escaped there.
const rowsSlot template.HTML = `<tr id="taoscan-rows-slot"></tr>`

// rowBytes is a little more than one rendered metagraph row, so the builder allocates once.
const rowBytes = 1400

// metagraphRows renders the metagraph table body in Go rather than in the template: a subnet
// has up to 4,096 rows of 14 cells, and html/template's reflective field lookups and escaper
// calls per cell made the page take ~0.5 s (BenchmarkSubnetPage4096). The cells are the same
// the template would write, with every value escaped here; alignment comes from the stylesheet's
// column rules instead of a class on each of the 57,000 cells.
func metagraphRows(netuid uint16, rows []*metaRow) string {
	if len(rows) == 0 {
		return `<tr><td colspan="14" class="muted">No neurons registered.</td></tr>`
	}
	var b strings.Builder
	b.Grow(len(rows) * rowBytes)
	n := strconv.FormatUint(uint64(netuid), 10)
	esc := template.HTMLEscapeString
	cell := func(col, value, inner string) {
		b.WriteString(`<td data-col="`)
		b.WriteString(col)
		b.WriteString(`" data-value="`)
		b.WriteString(esc(value))
		b.WriteString(`">`)
		b.WriteString(inner)
		b.WriteString(`</td>`)
	}
	link := func(prefix, addr, short string) string {
		e := esc(addr)
		return `<a class="addr" href="` + prefix + esc(url.PathEscape(addr)) + `" title="` + e + `">` + esc(short) + `</a>`
	}
	for i := range rows {
		r := rows[i]
		r.format()
		uid := strconv.FormatUint(uint64(r.UID), 10)
		b.WriteString(`<tr data-uid="`)
		b.WriteString(uid)
		b.WriteString(`">`)
		cell("uid", uid, `<a href="/subnet/`+n+`/neuron/`+uid+`">`+uid+`</a>`)
		cell("role", r.Role, r.Role)
		cell("stake", r.Stake, esc(r.StakeTAO))
		cell("vtrust", strconv.FormatUint(uint64(r.ValidatorTrust), 10), r.VTrustF)
		cell("trust", strconv.FormatUint(uint64(r.Trust), 10), r.TrustF)
		cell("consensus", strconv.FormatUint(uint64(r.Consensus), 10), r.ConsensusF)
		cell("incentive", strconv.FormatUint(uint64(r.Incentive), 10), r.IncentiveF)
		cell("dividends", strconv.FormatUint(uint64(r.Dividends), 10), r.DividendsF)
		cell("emission", r.Emission, esc(r.EmissionTAO))
		upd := strconv.FormatInt(r.Updated, 10)
		cell("updated", upd, upd)
		act := strconv.FormatBool(r.Active)
		cell("active", act, act)
		cell("axon", r.Axon, esc(r.Axon))
		cell("hotkey", r.Hotkey, link("/hotkey/", r.Hotkey, r.HotkeyS))
		cell("coldkey", r.Coldkey, link("/account/", r.Coldkey, r.ColdkeyS))
		b.WriteString("</tr>\n")
	}
	return b.String()
}
