from game.cli import run

run()
