"""Statistics of the data per energy selection: multipoles, dipole, 95 % CL limit, corrected
and not."""


rule multipoles:
    input:
        skymap=rules.skymap.output.skymap,
    output:
        row=result("multipoles"),
    log:
        log("multipoles_{selection}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        directions=config["analysis"]["directions"],
    message:
        "Multipoles, dipole and its 95 % CL limit of selection {wildcards.selection} GeV"
    script:
        "../../scripts/multipoles.py"
