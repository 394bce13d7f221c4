/* Marker rules: each meta severity form the scanner must understand. */
rule Test_Marker_High : test marker
{
	meta:
		severity = "high"
		description = "marker string, severity as a word"
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}

rule Test_Marker_Int
{
	meta:
		severity = 4
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}

rule Test_Marker_Default
{
	meta:
		description = "no severity: medium"
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}

rule Test_Marker_Bogus_Sev
{
	meta:
		severity = "apocalyptic"
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}

rule Test_Marker_Info
{
	meta:
		severity = "Info"
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}

private rule Test_Private
{
	strings:
		$m = "EMBARGO-YARA-MARKER"
	condition:
		$m
}
