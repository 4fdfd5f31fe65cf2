#!/usr/bin/env python3
"""Reference timing for `cont bench --only network`: the same 540-D network, integrated by scipy's
solve_ivp(RK45) at rtol = atol = 1e-6, as the study's authors simulated it in Python.

The right-hand side is written here from the equations of DESIGN.md section 2 (vectorised with numpy
over the 90 nodes, the coupling as one matrix-vector product), not taken from any other code.
Usage: python3 network_scipy.py [PATH/NormalizedMatrix.npz]   (default ../shared/data/NormalizedMatrix.npz)
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/NormalizedMatrix.npz"
data = np.load(path)
W = data[data.files[0]]
N = W.shape[0]

tau_e = tau_i = 8.0
tau_se, tau_si = 1.0, 5.0
nu_e = nu_i = -5.0
delta_e = delta_i = 1.0
J_ee, J_ei, J_ii, J_ie = 5.0, 13.0, 5.0, 13.0
I_e, I_i, eps = 8.6, 0.0, 12.0


def rhs(t, y):
    x = y.reshape(N, 6)
    re, ve, se, ri, vi, si = x.T
    coupling = eps * (W @ se)
    d = np.empty_like(x)
    d[:, 0] = (delta_e / (np.pi * tau_e) + 2 * re * ve) / tau_e
    d[:, 1] = (ve * ve + nu_e - (np.pi * tau_e * re) ** 2 + I_e + tau_e * J_ee * se - tau_e * J_ei * si) / tau_e + coupling
    d[:, 2] = (-se + re) / tau_se
    d[:, 3] = (delta_i / (np.pi * tau_i) + 2 * ri * vi) / tau_i
    d[:, 4] = (vi * vi + nu_i - (np.pi * tau_i * ri) ** 2 + I_i + tau_i * J_ie * se - tau_i * J_ii * si) / tau_i + coupling
    d[:, 5] = (-si + ri) / tau_si
    return d.ravel()


def node_rhs(t, x):
    return rhs(t, np.tile(x, N))[:6]


# Settle the homogeneous system (eps folded into J_ee, J_ie through the coupling) onto its cycle.
settle = solve_ivp(node_rhs, (0, 5000), np.zeros(6), rtol=1e-10, atol=1e-12)
node = settle.y[:, -1]
rng = np.random.default_rng(1)
y0 = np.tile(node, N) + rng.normal(0, 0.01, 6 * N)
t_eval = 300 + 0.5 * np.arange(2001)
start = time.perf_counter()
sol = solve_ivp(rhs, (0, 1300), y0, method="RK45", rtol=1e-6, atol=1e-6, t_eval=t_eval)
wall = time.perf_counter() - start
print(f"scipy solve_ivp RK45, 540 variables, 1300 ms: {wall:.2f} s, {1300 / wall:.0f} simulated ms per wall second; "
      f"{sol.nfev} evaluations, status {sol.status}")
