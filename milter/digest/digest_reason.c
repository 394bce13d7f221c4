/*
 * digest_reason.c: why a message is held, in plain words for its recipient, from
 * the findings summary ("name@path,...") or, failing that, the deciding rule.
 *
 * Promises: always a sentence (the fallback names no rule: rule names are the
 * admin's jargon); the first finding in the table order wins (the table goes from
 * the most to the least telling). Limits: English and Japanese only; a finding
 * matches an entry by prefix ("macro." matches macro.vba.autoexec).
 */
#include <string.h>

#include "digest/digest.h"

struct reason {
	const char *prefix; /* a finding name or its prefix */
	const char *en, *ja;
};

static const struct reason reasons[] = {
	{ "type.executable", "It contains a program that could run on your computer.",
	    "コンピューター上で実行できるプログラムが含まれています。" },
	{ "type.embedded_pe", "It contains a hidden program.",
	    "隠されたプログラムが含まれています。" },
	{ "type.script", "It contains a script that could run on your computer.",
	    "コンピューター上で実行できるスクリプトが含まれています。" },
	{ "shortcut.", "It contains a shortcut that starts another program.",
	    "別のプログラムを起動するショートカットが含まれています。" },
	{ "type.shortcut", "It contains a shortcut that starts another program.",
	    "別のプログラムを起動するショートカットが含まれています。" },
	{ "type.html_smuggling",
	    "It contains a web page that builds a file inside your browser.",
	    "ブラウザー内でファイルを組み立てるウェブページが含まれています。" },
	{ "macro.", "A document in it has macros, which can run code when opened.",
	    "添付文書に、開くとコードを実行できるマクロが含まれています。" },
	{ "doc.", "A document in it loads or runs content from elsewhere.",
	    "添付文書が外部のコンテンツを読み込むか実行します。" },
	{ "pdf.", "A PDF in it has scripts, actions or embedded files.",
	    "添付の PDF にスクリプト、アクション、または埋め込みファイルがあります。" },
	{ "type.onenote", "It contains a OneNote file, often used to hide programs.",
	    "プログラムを隠すのによく使われる OneNote ファイルが含まれています。" },
	{ "archive.encrypted",
	    "It contains a password-protected archive we could not check.",
	    "検査できないパスワード付きの圧縮ファイルが含まれています。" },
	{ "doc.encrypted",
	    "It contains a password-protected document we could not check.",
	    "検査できないパスワード付きの文書が含まれています。" },
	{ "name.", "An attachment's name hides what kind of file it is.",
	    "添付ファイルの名前がファイルの種類を偽っています。" },
	{ "type.mismatch", "An attachment is not the kind of file its name says.",
	    "添付ファイルの中身が名前の示す種類と異なります。" },
	{ "yara.", "It matches a known pattern of malicious content.",
	    "既知の悪意あるコンテンツのパターンに一致しました。" },
	{ "archive.", "It contains an archive that could not be checked completely.",
	    "完全には検査できない圧縮ファイルが含まれています。" },
	{ "scan.", "It could not be checked completely.",
	    "完全には検査できませんでした。" },
	{ "mime.", "The message is malformed in a way attackers use.",
	    "攻撃者が使う形式の不正なメッセージです。" },
};

static const char *const fallback_en =
    "Our mail filter held it for review by an administrator.";
static const char *const fallback_ja =
    "メールフィルターが管理者による確認のため保留しました。";

int
digest_lang_ok(const char *lang)
{
	return lang != NULL && (strcmp(lang, "en") == 0 || strcmp(lang, "ja") == 0);
}

/* Whether the summary FINDINGS names a finding starting with PREFIX. */
static int
has_finding(const char *findings, const char *prefix)
{
	const char *p = findings;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (strncmp(p, prefix, n) == 0)
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

const char *
digest_reason(const char *lang, const char *rule, const char *findings)
{
	int ja = lang != NULL && strcmp(lang, "ja") == 0;
	size_t i;

	(void)rule; /* rule names are the admin's words, not the recipient's */
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (findings != NULL && has_finding(findings, reasons[i].prefix))
			return ja ? reasons[i].ja : reasons[i].en;
	return ja ? fallback_ja : fallback_en;
}
