"""Tutorial: user-defined sampler (simulated annealing shape)."""

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


class SimulatedAnnealingSampler(optuna.samplers.BaseSampler):
    def __init__(self, temperature=100):
        self._rng = np.random.RandomState(0)
        self._temperature = temperature
        self._current_trial = None
        self.relative_calls = 0

    def sample_relative(self, study, trial, search_space):
        self.relative_calls += 1
        if search_space == {}:
            return {}
        prev = study.trials[-2]
        if self._current_trial is None or prev.value <= self._current_trial.value:
            probability = 1.0
        else:
            probability = np.exp((self._current_trial.value - prev.value) / self._temperature)
        self._temperature *= 0.9
        if self._rng.uniform(0, 1) < probability:
            self._current_trial = prev
        params = {}
        for name, dist in search_space.items():
            if not isinstance(dist, optuna.distributions.FloatDistribution):
                raise NotImplementedError
            current = self._current_trial.params[name]
            width = (dist.high - dist.low) * 0.1
            params[name] = float(
                np.clip(self._rng.uniform(current - width, current + width), dist.low, dist.high)
            )
        return params

    def infer_relative_search_space(self, study, trial):
        return optuna.search_space.intersection_search_space(study.get_trials(deepcopy=False))

    def sample_independent(self, study, trial, param_name, param_distribution):
        independent_sampler = optuna.samplers.RandomSampler(seed=trial.number)
        return independent_sampler.sample_independent(study, trial, param_name, param_distribution)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -5, 5)
    return x**2 + y


sampler = SimulatedAnnealingSampler()
study = optuna.create_study(sampler=sampler)
study.optimize(objective, n_trials=10)
print(len(study.trials), sampler.relative_calls)
print(all(-10 <= t.params["x"] <= 10 and -5 <= t.params["y"] <= 5 for t in study.trials))
print(isinstance(study.sampler, optuna.samplers.BaseSampler))
