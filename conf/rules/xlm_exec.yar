/*
 * Excel 4.0 (XLM) macros that start a system binary the way Emotet/Qakbot sheets
 * did: EXEC("rundll32 ...") or CALL/REGISTER of URLDownloadToFile. Two encodings:
 * the XML of an .xlsm macro sheet (xl/macrosheets/*.xml, scanned as its own part)
 * and BIFF8 .xls files, where a formula's string constant is a ptgStr token
 * (0x17, length, 8-bit flag 0) followed by the text.
 * BUGS: .xlsb (BIFF12, UTF-16 strings in binary formulas) is not covered.
 */
rule Embargo_XLM_Exec_LOLBin_XML : xlm
{
	meta:
		severity = "high"
		description = "XLM macro sheet formula runs rundll32/regsvr32/mshta/powershell or calls URLDownloadToFile"
	strings:
		$sheet = "macrosheet" nocase
		$exec = /EXEC\(\s*(&quot;|")?\s*(rundll32|regsvr32|mshta|powershell|cmd|wscript|cscript)/ nocase
		$call = /(CALL|REGISTER)\(\s*(&quot;|")?urlmon/ nocase
	condition:
		$sheet in (0..1024) and ($exec or $call)
}

rule Embargo_XLM_Exec_LOLBin_BIFF : xlm
{
	meta:
		severity = "high"
		description = "BIFF8 workbook with an XLM string constant naming rundll32/regsvr32/mshta or urlmon"
	strings:
		$s1 = /\x17[\x05-\xff]\x00(rundll32|regsvr32|mshta|urlmon)/ nocase
	condition:
		uint32be(0) == 0xD0CF11E0 and $s1
}
