package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/taochain/taochain/taoscan/store"
)

// netuidQuery matches "sn1", "SN 1", "subnet 1", "netuid 1".
var netuidQuery = regexp.MustCompile(`^(?i:sn|subnet|netuid)\s*([0-9]+)$`)

// searchHelp lists what the search box understands; every refusal repeats it.
const searchHelp = "Search for a block height (digits), a subnet (sn1, subnet 1, netuid 1), a 64-hex tx hash, or an address (tao1…)."

// search redirects (303) to the page of what q names, checking that the index knows it so a
// typo gets a 404 here rather than on the next page.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	to, err := s.searchTarget(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) searchTarget(r *http.Request) (string, error) {
	ctx := r.Context()
	q, _, err := queryParam(r, "q")
	if err != nil {
		return "", err
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return "", badRequest("Empty search. %s", searchHelp)
	}
	if len(q) > 200 {
		return "", badRequest("Search text is %d characters; nothing taoscan knows is longer than 200. %s", len(q), searchHelp)
	}
	if q[0] >= '0' && q[0] <= '9' && len(q) != 64 {
		h, err := parseHeight(q, "height")
		if err != nil {
			return "", badRequest("%q is not a block height (a whole number of at least 1). %s", q, searchHelp)
		}
		if _, err := s.store.Block(ctx, h); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				last, _ := s.store.LastHeight(ctx)
				return "", notFound("Block %d is not indexed (the index reaches height %d).", h, last)
			}
			return "", err
		}
		return "/block/" + strconv.FormatInt(h, 10), nil
	}
	if m := netuidQuery.FindStringSubmatch(q); m != nil {
		netuid, err := parseNetuid(m[1])
		if err != nil {
			return "", err
		}
		if _, err := s.store.Subnet(ctx, netuid); err != nil {
			return "", storeError(err, "Subnet %d is not known to the index.", netuid)
		}
		return fmt.Sprintf("/subnet/%d", netuid), nil
	}
	if len(q) == 64 {
		hash, err := parseHash(q)
		if err != nil {
			return "", err
		}
		if _, err := s.store.Tx(ctx, hash); err != nil {
			return "", storeError(err, "No indexed transaction has hash %s.", hash)
		}
		return "/tx/" + hash, nil
	}
	if strings.HasPrefix(strings.ToLower(q), addressPrefix+"1") {
		addr, err := parseAddress(q)
		if err != nil {
			return "", err
		}
		known, err := s.store.KnownHotkey(ctx, addr)
		if err != nil {
			return "", err
		}
		if known {
			return "/hotkey/" + addr, nil
		}
		return "/account/" + addr, nil
	}
	return "", badRequest("taoscan does not understand %q. %s", q, searchHelp)
}

// healthz answers 200 "ok" and the indexed height, or 503 when the store cannot be read.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h, err := s.store.LastHeight(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		s.log.Error("taoscan web: healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "store unavailable: %v\n", err)
		return
	}
	fmt.Fprintf(w, "ok %d\n", h)
}

// toProposalRow flattens a gov proposal into what the pages show; messages become their type URLs
// because the JSON of an Any needs the app's codec.
func toProposalRow(p *govv1.Proposal) proposalRow {
	row := proposalRow{ID: p.Id, Title: p.Title, Summary: p.Summary, Status: strings.TrimPrefix(p.Status.String(), "PROPOSAL_STATUS_"),
		Proposer: p.Proposer, Metadata: p.Metadata, Expedited: p.Expedited, FailedReason: p.FailedReason, Messages: []string{}}
	for _, m := range p.Messages {
		if m != nil {
			row.Messages = append(row.Messages, m.TypeUrl)
		}
	}
	if p.SubmitTime != nil {
		row.SubmitTime = p.SubmitTime.UTC()
	}
	if p.VotingStartTime != nil {
		row.VotingStartTime = p.VotingStartTime.UTC()
	}
	if p.VotingEndTime != nil {
		row.VotingEndTime = p.VotingEndTime.UTC()
	}
	row.TotalDeposit = sdkCoinsString(p)
	if t := p.FinalTallyResult; t != nil {
		row.Tally = &tallyView{Yes: t.YesCount, No: t.NoCount, Abstain: t.AbstainCount, NoWithVeto: t.NoWithVetoCount}
	}
	return row
}

func sdkCoinsString(p *govv1.Proposal) string {
	parts := make([]string, 0, len(p.TotalDeposit))
	for _, c := range p.TotalDeposit {
		parts = append(parts, c.Amount.String()+c.Denom)
	}
	return strings.Join(parts, ",")
}
