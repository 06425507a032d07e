"""Layer 5, publish: run the chapter notebooks, render HTML and PDF, write the manifest.

It runs the chapters only through their notebooks and never imports a chapter module.
"""
