/*
 * HTML smuggling: the page builds a file in the browser from data it carries, so
 * the mail gateway never sees a file attachment. Two shapes:
 *  - script: atob/Uint8Array + Blob + msSaveOrOpenBlob/createObjectURL, with a long
 *    base64 literal (the payload) in the page;
 *  - a data: URI of a Windows executable (base64 "TV" = "MZ") as a link.
 */
rule Embargo_HTML_Smuggling_Blob : html smuggling
{
	meta:
		severity = "high"
		description = "HTML/JS that decodes an embedded base64 blob and saves or opens it"
	strings:
		$dec1 = "atob(" nocase
		$dec2 = "Uint8Array" nocase
		$blob = "Blob(" nocase
		$save1 = "msSaveOrOpenBlob" nocase
		$save2 = "createObjectURL" nocase
		$save3 = ".download" nocase
		/* one regexp per quote: each then has an atom (the quote); a class of
		 * quotes has none and scans at 40 MB/s instead of 600 */
		$b64_1 = /"[A-Za-z0-9+\/]{1024}/
		$b64_2 = /'[A-Za-z0-9+\/]{1024}/
		$b64_3 = /`[A-Za-z0-9+\/]{1024}/
	condition:
		filesize < 50MB and any of ($dec*) and $blob and any of ($save*) and
		any of ($b64_*)
}

rule Embargo_HTML_DataURI_Executable : html smuggling
{
	meta:
		severity = "high"
		description = "a data: URI holding a Windows executable (base64 of MZ)"
	strings:
		$d = /data:[a-z0-9\/.+-]{0,80};base64,TV[opqr]/ nocase
	condition:
		$d
}
