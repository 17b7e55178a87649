// Package web is taoscan's HTTP face: server-rendered HTML pages about the indexed chain, each
// with a JSON twin under /api built from the same view-model struct so the two cannot disagree.
// History comes from the store the indexer fills; live state (supply, wallets, weights,
// proposals) comes from the node through the Chain interface. Charts are inline SVG drawn here,
// so a page needs no script, no CDN and no build step.
package web
