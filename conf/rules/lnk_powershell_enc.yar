/*
 * Windows shortcut (.lnk) whose arguments start PowerShell with an encoded command
 * (-enc, -e, -ec, -EncodedCommand): the 2022-2023 Emotet/IcedID mail shortcuts.
 * StringData is UTF-16LE when the IsUnicode flag is set, ANSI otherwise: both.
 */
rule Embargo_LNK_PowerShell_Encoded : lnk powershell
{
	meta:
		severity = "critical"
		description = "shortcut launching PowerShell with an encoded command"
	strings:
		$ps_w = "powershell" wide nocase
		$ps_a = "powershell" nocase
		$e1_w = "-enc" wide nocase
		$e1_a = "-enc" nocase
		$e2_w = "-e " wide nocase
		$e2_a = "-e " nocase
		$e3_w = "-ec " wide nocase
		$e3_a = "-ec " nocase
	condition:
		uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and
		($ps_w or $ps_a) and any of ($e*)
}
