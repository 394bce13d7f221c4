/* error on line 2: unknown identifier */
rule C_Bad { condition: no_such_variable }
