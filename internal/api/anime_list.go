package api

type animeListArgs struct {
	Filter string `json:"filter"`
	From   int    `json:"from"`
	Size   int    `json:"size"`
}

type animeList struct {
	Infos   animeListInfos `json:"infos"`
	Content []any          `json:"content"`
}

type animeListInfos struct {
	Count int `json:"count"`
	From  int `json:"from"`
	To    int `json:"to"`
}

// getAnimeList returns the songs matching the user's anime list. There is
// no song catalogue nor fetched list yet, so the list is empty for everyone.
func (h *Handler) getAnimeList(c *call) (any, error) {
	var a animeListArgs
	if e := decodeArgs(c.args, &a); e != nil {
		return nil, e
	}
	if a.From < 0 || a.Size < 0 {
		return nil, errInvalidData.with(map[string]string{"from": "from and size must be 0 or more"})
	}
	return animeList{Infos: animeListInfos{From: a.From, To: a.From}, Content: []any{}}, nil
}
