def test_traditional_text_is_segmented_through_the_working_copy(run):
    doc = run("集安組織在干預衝突問題上分歧較大")
    words = [t.text for t in doc]
    assert "干預" in words and "衝突" in words
    assert [t.norm_ for t in doc if t.text == "衝突"] == ["冲突"]


def test_known_names_stay_whole(run):
    doc = run("他們在賽米巴拉金斯克和杜尚別簽署了協定。")
    words = [t.text for t in doc]
    assert "杜尚別" in words


def test_sentences_split_on_chinese_punctuation(run):
    doc = run("第一句。第二句！他說：“好。”最後；還有\n新行")
    texts = [doc.text[s:e] for s, e in doc._.sentence_spans]
    assert texts == ["第一句。", "第二句！", "他說：“好。”", "最後；", "還有", "新行"]
    assert [s.text for s in doc.sents][0] == "第一句。"


def test_ascii_full_stop_ends_a_sentence_but_not_a_decimal(run):
    doc = run("GDP增長3.5%.下一句開始")
    assert [doc.text[s:e] for s, e in doc._.sentence_spans] == ["GDP增長3.5%.", "下一句開始"]
