# Exercise 2: the smallest alpha at which the worst client's accuracy, averaged over 5 seeds, reaches 0.5.
from trustlab.federated.results import run_federated_seeds

alphas = (0.05, 0.1, 0.5, 1, 10, 100)
worst = {a: run_federated_seeds(num_clients=10, num_rounds=5, alpha=a, seed=0, n_seeds=5) for a in alphas}
for a, r in worst.items():
    print(f"alpha={a:<5} worst client acc={r.interval(r.worst_client_accuracy).format(2)}")
smallest = min(a for a in alphas if worst[a].worst_client_accuracy.mean() >= 0.5)
print("smallest alpha with mean worst client >= 0.5:", smallest)
assert all(worst[a].worst_client_accuracy.mean() < 0.5 for a in alphas if a < smallest)
assert worst[100].worst_client_accuracy.mean() > worst[0.05].worst_client_accuracy.mean()  # skew leaves clients behind
answer = smallest
