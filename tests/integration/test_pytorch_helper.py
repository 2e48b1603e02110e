"""TorchTrainingHelper: a plain PyTorch loop reports, prunes and resumes from checkpoints."""

from __future__ import annotations

import pytest
import torch

import hypersearch as hs
from hypersearch.integration import TorchTrainingHelper
from hypersearch.schedulers import ASHAScheduler, optimize_asha

torch.set_num_threads(1)
GEN = torch.Generator().manual_seed(0)
X = torch.randn(128, 4, generator=GEN)
Y = (X @ torch.tensor([1.0, -2.0, 0.5, 0.0]) + 0.1 * torch.randn(128, generator=GEN)).unsqueeze(1)


def _objective(max_epochs, epochs_run):
    def objective(trial):
        torch.manual_seed(trial.number)
        model = torch.nn.Linear(4, 1)
        lr = trial.suggest_float("lr", 1e-4, 0.3, log=True)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        helper = TorchTrainingHelper(trial, model, optimizer)
        start = helper.start_epoch()
        epochs_run.setdefault(trial.number, []).append(start)
        for epoch in range(start, max_epochs):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(X), Y)
            loss.backward()
            optimizer.step()
            helper.report(torch.nn.functional.mse_loss(model(X), Y).detach(), epoch)
        return helper.last_value

    return objective


def test_plain_optimize_reports_every_epoch_and_prunes():
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        pruner=hs.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    )
    starts = {}
    study.optimize(_objective(6, starts), n_trials=8)
    complete = study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert all(sorted(t.intermediate_values) == list(range(6)) for t in complete)
    assert study.get_trials(states=(hs.TrialState.PRUNED,))
    assert all(s == [0] for s in starts.values())  # no checkpoint in a plain optimize


def test_promotion_asha_resumes_from_the_saved_epoch():
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=1),
        pruner=ASHAScheduler(max_resource=9, min_resource=1, reduction_factor=3),
    )
    starts = {}
    optimize_asha(study, _objective(9, starts), n_trials=9)
    resumed = {n: s for n, s in starts.items() if len(s) > 1}
    assert resumed, starts
    for number, begins in resumed.items():
        assert begins[0] == 0 and all(b > 0 for b in begins[1:])
        steps = sorted(study.trials[number].intermediate_values)
        assert steps == list(range(len(steps)))  # no epoch trained twice or skipped


def test_checkpoint_restores_weights_and_optimizer():
    class _Box:
        def __init__(self):
            self.data = None

        def save(self, data):
            self.data = data

        def load(self):
            return self.data

    study = hs.create_study()
    trial = study.ask()
    trial.checkpoint = _Box()
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.Adam(model.parameters())
    helper = TorchTrainingHelper(trial, model, optimizer)
    helper.report(1.5, 3)
    fresh = torch.nn.Linear(4, 1)
    again = TorchTrainingHelper(trial, fresh, torch.optim.Adam(fresh.parameters()))
    assert again.start_epoch() == 4 and again.last_value == 1.5
    assert torch.equal(fresh.weight, model.weight)


def test_outside_a_trial_and_not_a_module():
    with pytest.raises(TypeError, match="needs the running hypersearch Trial"):
        TorchTrainingHelper(hs.FixedTrial({"lr": 0.1}), torch.nn.Linear(1, 1))
    trial = hs.create_study().ask()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        TorchTrainingHelper(trial, lambda x: x)


def test_pbt_segments_resume_from_the_helpers_checkpoints():
    from hypersearch.schedulers import PBTScheduler, optimize_pbt

    scheduler = PBTScheduler(
        population_size=2, perturbation_interval=2, max_steps=6, quantile_fraction=0.5, seed=0
    )
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), pruner=scheduler)
    starts = {}
    optimize_pbt(study, _objective(6, starts))
    begins = sorted(s for per_trial in starts.values() for s in per_trial)
    assert begins.count(0) == 2  # each member starts fresh once
    assert set(begins) - {0} == {2, 4}  # later segments resume where a checkpoint left off
