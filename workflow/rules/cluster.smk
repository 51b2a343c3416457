"""Running on SLURM: every job must fit on a node (checked before anything is submitted)."""


onstart:
    # SLURM queues a job that no node can hold forever: stop now, naming the way out.
    if workflow.executor_plugin.name == "slurm":
        from calet_aniso.config.cluster_fit import (
            check_jobs_fit,
            job_cpus,
            largest_node_cpus,
        )

        node_cpus = largest_node_cpus()
        if node_cpus is not None:
            check_jobs_fit(job_cpus(workflow), node_cpus)
