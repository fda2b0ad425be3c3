package karagen

// Sample is the small base of testdata/karabase: real series names with
// provider ids in the style of KM's base (some series have none), songs
// titled in several languages. The ids are for tests: they need not match
// the providers' catalogues.
func Sample() Base {
	var b Base
	for _, l := range []struct{ code, name, fre string }{{"jpn", "Japanese", "Japonais"}, {"eng", "English", "Anglais"},
		{"fre", "French", "Français"}, {"ita", "Italian", "Italien"}, {"spa", "Spanish", "Espagnol"}} {
		b.Tags = append(b.Tags, Tag{Name: l.code, Types: []string{"langs"}, I18n: map[string]string{"eng": l.name, "fre": l.fre}})
	}
	for _, st := range []struct{ short, eng, fre string }{{"OP", "Opening", "Générique de début"}, {"ED", "Ending", "Générique de fin"},
		{"IN", "Insert song", "Chanson d'insert"}, {"MV", "Music video", "Clip musical"}} {
		b.Tags = append(b.Tags, Tag{Name: st.short, Short: st.short, Types: []string{"songtypes"}, I18n: map[string]string{"eng": st.eng, "fre": st.fre}})
	}
	for _, s := range []string{"Yoko Kanno", "Yoko Takahashi", "Yui Makino", "Hiroki Takahashi", "Momoclo", "Cristina D'Avena",
		"Dorothée", "Kanako Itou", "Porno Graffitti", "Linked Horizon"} {
		b.Tags = append(b.Tags, Tag{Name: s, Types: []string{"singers"}})
	}
	series := []Tag{
		{Name: "Cowboy Bebop", I18n: map[string]string{"eng": "Cowboy Bebop", "jpn": "Kaubōi Bibappu"}, IDs: ids(1, 1, 1)},
		{Name: "Shinseiki Evangelion", I18n: map[string]string{"eng": "Neon Genesis Evangelion", "jpn": "Shinseiki Evangelion", "fre": "Neon Genesis Evangelion"}, IDs: ids(30, 30, 21)},
		{Name: "Hagane no Renkinjutsushi: Fullmetal Alchemist", I18n: map[string]string{"eng": "Fullmetal Alchemist: Brotherhood", "jpn": "Hagane no Renkinjutsushi"}, IDs: ids(5114, 5114, 3936)},
		{Name: "Shingeki no Kyojin", I18n: map[string]string{"eng": "Attack on Titan", "fre": "L'Attaque des Titans", "jpn": "Shingeki no Kyojin"}, Aliases: []string{"SnK", "AoT"}, IDs: ids(16498, 16498, 7442)},
		{Name: "Steins;Gate", I18n: map[string]string{"eng": "Steins;Gate"}, IDs: ids(9253, 9253, 5646)},
		{Name: "Dragon Ball Z", I18n: map[string]string{"eng": "Dragon Ball Z", "jpn": "Doragon Bōru Zetto"}, Aliases: []string{"DBZ"}, IDs: ids(813, 813, 720)},
		{Name: "K-ON!", I18n: map[string]string{"eng": "K-On!", "jpn": "Keion!"}, IDs: ids(5680, 5680, 4240)},
		{Name: "Bishoujo Senshi Sailor Moon", I18n: map[string]string{"eng": "Sailor Moon", "fre": "Sailor Moon", "ita": "Sailor Moon", "jpn": "Bishōjo Senshi Sērā Mūn"}, IDs: ids(530, 530, 344)},
		{Name: "Pokémon", I18n: map[string]string{"eng": "Pokémon", "fre": "Pokémon", "jpn": "Poketto Monsutā"}, IDs: ids(527, 527, 300)},
		{Name: "Hokuto no Ken", I18n: map[string]string{"eng": "Fist of the North Star", "fre": "Ken le Survivant", "jpn": "Hokuto no Ken"}, IDs: ids(967, 967, 893)},
		{Name: "Joshiraku", I18n: map[string]string{"eng": "Joshiraku"}, IDs: map[string]int{"anilist": 14227, "myanimelist": 14227}},
		{Name: "Top wo Nerae 2! Diebuster", I18n: map[string]string{"eng": "Gunbuster 2: Diebuster"}, IDs: map[string]int{"myanimelist": 949}},
		{Name: "Karaoke Mugen", I18n: map[string]string{"eng": "Karaoke Mugen"}},
		{Name: "Eurovision", I18n: map[string]string{"eng": "Eurovision Song Contest", "fre": "Concours Eurovision de la chanson"}},
	}
	for _, s := range series {
		s.Types = []string{"series"}
		b.Tags = append(b.Tags, s)
	}
	song := func(def string, titles map[string]string, series, typ string, order int, lang, singer string, year int) Song {
		s := Song{Titles: titles, DefLang: def, Series: []string{series}, SongType: typ, SongOrder: order, Langs: []string{lang},
			Year: year, CreatedAt: "2019-06-01T12:00:00.000Z"}
		if singer != "" {
			s.Singers = []string{singer}
		}
		return s
	}
	t := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	b.Songs = []Song{
		song("eng", t("eng", "Tank!"), "Cowboy Bebop", "OP", 1, "eng", "Yoko Kanno", 1998),
		song("eng", t("eng", "The Real Folk Blues"), "Cowboy Bebop", "ED", 1, "eng", "Yoko Kanno", 1998),
		song("eng", t("eng", "Blue"), "Cowboy Bebop", "ED", 2, "eng", "Yoko Kanno", 1999),
		song("jpn", t("jpn", "Zankoku na Tenshi no These", "eng", "A Cruel Angel's Thesis", "fre", "La Thèse de l'ange cruel"), "Shinseiki Evangelion", "OP", 1, "jpn", "Yoko Takahashi", 1995),
		song("eng", t("eng", "Fly Me to the Moon"), "Shinseiki Evangelion", "ED", 1, "eng", "", 1995),
		song("jpn", t("jpn", "Tamashii no Refrain", "eng", "Refrain of Soul"), "Shinseiki Evangelion", "MV", 0, "jpn", "Yoko Takahashi", 1997),
		song("jpn", t("jpn", "Again"), "Hagane no Renkinjutsushi: Fullmetal Alchemist", "OP", 1, "jpn", "", 2009),
		song("jpn", t("jpn", "Hologram"), "Hagane no Renkinjutsushi: Fullmetal Alchemist", "OP", 2, "jpn", "", 2009),
		song("jpn", t("jpn", "Uso", "eng", "Lie"), "Hagane no Renkinjutsushi: Fullmetal Alchemist", "ED", 1, "jpn", "", 2009),
		song("ger", t("ger", "Guren no Yumiya", "jpn", "Guren no Yumiya", "eng", "Crimson Bow and Arrow"), "Shingeki no Kyojin", "OP", 1, "jpn", "Linked Horizon", 2013),
		song("jpn", t("jpn", "Jiyuu no Tsubasa", "eng", "Wings of Freedom", "fre", "Les Ailes de la liberté"), "Shingeki no Kyojin", "OP", 2, "jpn", "Linked Horizon", 2013),
		song("jpn", t("jpn", "Utsukushiki Zankoku na Sekai", "eng", "This Cruel, Beautiful World"), "Shingeki no Kyojin", "ED", 1, "jpn", "", 2013),
		song("jpn", t("jpn", "Hacking to the Gate"), "Steins;Gate", "OP", 1, "jpn", "Kanako Itou", 2011),
		song("jpn", t("jpn", "Toki Tsukasadoru Juuni no Meiyaku", "eng", "The Twelve Covenants that Govern Time"), "Steins;Gate", "ED", 1, "jpn", "", 2011),
		song("jpn", t("jpn", "Cha-La Head-Cha-La"), "Dragon Ball Z", "OP", 1, "jpn", "Hiroki Takahashi", 1989),
		song("fre", t("fre", "Dragon Ball Z", "jpn", "Doragon Bōru Zetto"), "Dragon Ball Z", "OP", 1, "fre", "", 1990),
		song("jpn", t("jpn", "Detekoi Tobikiri Zenkai Power!", "eng", "Come Out, Incredible Full Power!"), "Dragon Ball Z", "ED", 1, "jpn", "", 1989),
		song("jpn", t("jpn", "Cagayake! GIRLS", "eng", "Shine! GIRLS"), "K-ON!", "OP", 1, "jpn", "", 2009),
		song("jpn", t("jpn", "Don't say \"lazy\""), "K-ON!", "ED", 1, "jpn", "", 2009),
		song("jpn", t("jpn", "Fuwa Fuwa Time"), "K-ON!", "IN", 0, "jpn", "", 2009),
		song("jpn", t("jpn", "Moonlight Densetsu", "eng", "Moonlight Legend", "fre", "La Légende du clair de lune"), "Bishoujo Senshi Sailor Moon", "OP", 1, "jpn", "", 1992),
		song("ita", t("ita", "Sailor Moon"), "Bishoujo Senshi Sailor Moon", "OP", 1, "ita", "Cristina D'Avena", 1995),
		song("fre", t("fre", "Sailor Moon (générique français)", "eng", "Sailor Moon (French opening)"), "Bishoujo Senshi Sailor Moon", "OP", 1, "fre", "Dorothée", 1993),
		song("jpn", t("jpn", "Mezase Pokémon Master", "eng", "Aim to Be a Pokémon Master"), "Pokémon", "OP", 1, "jpn", "", 1997),
		song("eng", t("eng", "Pokémon Theme"), "Pokémon", "OP", 1, "eng", "", 1998),
		song("fre", t("fre", "Attrapez-les tous !"), "Pokémon", "OP", 2, "fre", "", 1999),
		song("ita", t("ita", "Pokémon"), "Pokémon", "OP", 1, "ita", "", 2000),
		song("jpn", t("jpn", "Ai o Torimodose!!", "eng", "Take Back Love!!"), "Hokuto no Ken", "OP", 1, "jpn", "", 1984),
		song("fre", t("fre", "Ken le Survivant"), "Hokuto no Ken", "OP", 1, "fre", "", 1988),
		song("jpn", t("jpn", "Nippon Egao Hyakkei"), "Joshiraku", "ED", 1, "jpn", "Momoclo", 2012),
		song("jpn", t("jpn", "Hoshikuzu Namida", "eng", "Stardust Tears"), "Top wo Nerae 2! Diebuster", "ED", 1, "jpn", "", 2004),
		song("fre", t("fre", "Karaoke Mugen, la chanson", "eng", "Karaoke Mugen, the song"), "Karaoke Mugen", "MV", 0, "fre", "", 2018),
		song("spa", t("spa", "Canción de prueba", "eng", "Test song"), "Karaoke Mugen", "MV", 0, "spa", "", 2020),
		song("eng", t("eng", "Waterloo"), "Eurovision", "MV", 0, "eng", "", 1974),
		song("ita", t("ita", "Zitti e buoni"), "Eurovision", "MV", 0, "ita", "", 2021),
	}
	// A crossover: one song of two series.
	x := song("jpn", t("jpn", "Ore-tachi Crossover", "eng", "Our Crossover"), "Cowboy Bebop", "IN", 0, "jpn", "Porno Graffitti", 2020)
	x.Series = append(x.Series, "Steins;Gate")
	x.Aliases = []string{"Crossover Song"}
	b.Songs = append(b.Songs, x)
	return b
}

func ids(anilist, mal, kitsu int) map[string]int {
	return map[string]int{"anilist": anilist, "myanimelist": mal, "kitsu": kitsu}
}
